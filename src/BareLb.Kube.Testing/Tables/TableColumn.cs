using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Tables;

/// <summary>A column of a server-side table and the function that renders its cell for an object.</summary>
internal sealed record TableColumn(string Name, string Type, string Description, int Priority, Func<JsonObject, DateTimeOffset, JsonNode?> Cell, string? Format = null)
{
    public JsonObject Definition()
    {
        var definition = new JsonObject
        {
            ["name"] = Name,
            ["type"] = Type,
            ["format"] = Format ?? string.Empty,
            ["description"] = Description,
            ["priority"] = Priority,
        };
        return definition;
    }
}
