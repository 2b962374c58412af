using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Resources;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Tables;

/// <summary>Renders objects as a <c>meta.k8s.io/v1</c> Table, as the server does for <c>Accept: ...;as=Table</c>.</summary>
internal static class TableRenderer
{
    public static JsonObject Render(ResourceType type, IEnumerable<JsonObject> objects, long resourceVersion, string? continueToken, string includeObject, DateTimeOffset now, bool withColumns = true)
    {
        var columns = ColumnsFor(type);
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var column in columns)
            {
                cells.Add(column.Cell(obj, now));
            }

            var row = new JsonObject { ["cells"] = cells };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = obj.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone(),
                    };
                    break;
            }

            rows.Add(row);
        }

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
        };
        table["columnDefinitions"] = withColumns ? new JsonArray([.. columns.Select(c => c.Definition())]) : null;
        table["rows"] = rows;
        return table;
    }

    private static IReadOnlyList<TableColumn> ColumnsFor(ResourceType type)
    {
        if (type.DefinedBy is null)
        {
            return BuiltInTables.For(type.StorageKey) ?? [BuiltInTables.Name, BuiltInTables.Age];
        }

        if (type.PrinterColumns.Count == 0)
        {
            return [BuiltInTables.Name, BuiltInTables.Age];
        }

        var columns = new List<TableColumn> { BuiltInTables.Name };
        foreach (var printer in type.PrinterColumns)
        {
            var path = printer.JsonPath;
            var isDate = printer.Type == "date";
            columns.Add(new TableColumn(printer.Name, printer.Type, printer.Description, printer.Priority, (o, now) =>
            {
                var value = SimpleJsonPath.Evaluate(o, path);
                if (value is null)
                {
                    return null;
                }

                if (isDate && Json.Scalar(value) is { } text
                    && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    return HumanDuration.Format(now - at);
                }

                // Lists and maps print as JSON, as the server's JSONPath printer renders them.
                return value is JsonValue ? value.DeepClone() : value.ToJsonString(Json.Options);
            }, printer.Format));
        }

        return columns;
    }
}
