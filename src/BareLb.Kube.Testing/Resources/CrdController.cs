using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Resources;

/// <summary>
/// Serves custom resources: validates a CustomResourceDefinition, marks it established and accepted, and adds
/// (or removes) its served versions, status subresource and printer columns to the catalog.
/// </summary>
internal sealed class CrdController : IAdmission
{
    private readonly ResourceCatalog _catalog;
    private readonly Func<ObjectStore> _store;
    private readonly TimeProvider _time;

    public CrdController(ResourceCatalog catalog, Func<ObjectStore> store, TimeProvider time)
    {
        _catalog = catalog;
        _store = store;
        _time = time;
    }

    public void Admit(ResourceType type, JsonObject? old, JsonObject obj)
    {
        if (!IsCrd(type))
        {
            return;
        }

        var name = Json.String(obj, "metadata", "name") ?? string.Empty;
        var group = Json.String(obj, "spec", "group");
        var plural = Json.String(obj, "spec", "names", "plural");
        var kind = Json.String(obj, "spec", "names", "kind");
        if (string.IsNullOrEmpty(group) || string.IsNullOrEmpty(plural) || string.IsNullOrEmpty(kind))
        {
            throw Invalid(name, "spec.group, spec.names.plural and spec.names.kind: Required value");
        }

        if (name != $"{plural}.{group}")
        {
            throw Invalid(name, $"metadata.name: Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group");
        }

        if (Json.At(obj, "spec", "versions") is not JsonArray { Count: > 0 } versions)
        {
            throw Invalid(name, "spec.versions: Invalid value: must have exactly one version marked as storage version");
        }

        if (old is not null && Json.String(old, "spec", "group") != group)
        {
            throw Invalid(name, "spec.group: Invalid value: field is immutable");
        }

        var names = (JsonObject)Json.At(obj, "spec", "names")!.DeepClone();
        names["singular"] ??= kind.ToLowerInvariant();
        names["listKind"] ??= kind + "List";
        var storage = versions.OfType<JsonObject>().FirstOrDefault(v => Json.Bool(v["storage"]) == true);
        var now = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        obj["status"] = new JsonObject
        {
            ["acceptedNames"] = names,
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now)),
            ["storedVersions"] = new JsonArray(Json.String(storage, "name") ?? Json.String(versions[0], "name")),
        };
    }

    public void Committed(ResourceType type, JsonObject? old, JsonObject? obj)
    {
        if (!IsCrd(type))
        {
            return;
        }

        var crdName = Json.String(obj ?? old, "metadata", "name") ?? string.Empty;
        if (obj is null)
        {
            var gone = _catalog.All.Where(t => t.DefinedBy == crdName).ToList();
            if (gone.Count > 0)
            {
                _store().DropAll(gone[0]);
            }

            _catalog.ReplaceDefinedBy(crdName, []);
            return;
        }

        _catalog.ReplaceDefinedBy(crdName, [.. TypesOf(obj, crdName)]);
    }

    private static IEnumerable<ResourceType> TypesOf(JsonObject crd, string crdName)
    {
        var group = Json.String(crd, "spec", "group")!;
        var names = Json.At(crd, "spec", "names") as JsonObject;
        var kind = Json.String(names, "kind")!;
        var plural = Json.String(names, "plural")!;
        var singular = Json.String(names, "singular") ?? kind.ToLowerInvariant();
        var namespaced = Json.String(crd, "spec", "scope") != "Cluster";
        var shortNames = (Json.At(names, "shortNames") as JsonArray)?.Select(Json.Scalar).OfType<string>().ToList() ?? [];
        var categories = (Json.At(names, "categories") as JsonArray)?.Select(Json.Scalar).OfType<string>().ToList() ?? [];
        foreach (var version in ((JsonArray)Json.At(crd, "spec", "versions")!).OfType<JsonObject>())
        {
            if (Json.Bool(version["served"]) == false)
            {
                continue;
            }

            var columns = (version["additionalPrinterColumns"] as JsonArray)?.OfType<JsonObject>()
                .Select(c => new PrinterColumn(
                    Json.String(c, "name") ?? string.Empty,
                    Json.String(c, "type") ?? "string",
                    Json.String(c, "jsonPath") ?? string.Empty,
                    Json.String(c, "description") ?? string.Empty,
                    (int)(Json.Integer(c["priority"]) ?? 0),
                    Json.String(c, "format")))
                .ToList() ?? [];
            yield return new ResourceType
            {
                Group = group,
                Version = Json.String(version, "name")!,
                Plural = plural,
                Singular = singular,
                Kind = kind,
                Namespaced = namespaced,
                ShortNames = shortNames,
                Categories = categories,
                HasStatus = Json.At(version, "subresources", "status") is not null,
                HasGeneration = true,
                StrategicMerge = false,
                PrinterColumns = columns,
                DefinedBy = crdName,
            };
        }
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };

    private static bool IsCrd(ResourceType type) => type.Group == "apiextensions.k8s.io" && type.Plural == "customresourcedefinitions";

    private static ApiException Invalid(string name, string detail) =>
        ApiException.Invalid("CustomResourceDefinition.apiextensions.k8s.io", "apiextensions.k8s.io", name, detail);
}
