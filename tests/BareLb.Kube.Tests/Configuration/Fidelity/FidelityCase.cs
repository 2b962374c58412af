using System.Text.Json;
using System.Text.Json.Nodes;
using BareLb.Kube.Configuration.Yaml;

namespace BareLb.Kube.Tests.Configuration.Fidelity;

/// <summary>One case of the fidelity corpus: an input and MetalLB's verdict on it, read from the YAML files beside this one.</summary>
public sealed record FidelityCase(string File, string Name, string From, bool MetalLbAccepts, bool? BareLbAccepts, string? Difference, string? Stage, string? LegacyConfig, string? Objects)
{
    /// <summary>Whether the input is a legacy ConfigMap's <c>config</c> text (else metallb.io objects).</summary>
    public bool IsLegacy => LegacyConfig is not null;

    /// <summary>The verdict BareLb must give: MetalLB's, unless the case documents a deliberate difference.</summary>
    public bool Expected => BareLbAccepts ?? MetalLbAccepts;

    /// <inheritdoc/>
    public override string ToString() => $"{File}: {Name}";

    public static IReadOnlyList<FidelityCase> Load(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Configuration", "Fidelity", file);
        Assert.True(YamlDocumentReader.TryRead(System.IO.File.ReadAllText(path), 0, out var documents, out var error), error?.Message);
        var list = Assert.IsType<JsonArray>(Assert.Single(documents).Root);
        return [.. list.Select(item => Parse(file, Assert.IsType<JsonObject>(item)))];
    }

    private static FidelityCase Parse(string file, JsonObject item)
    {
        string? Text(string key) => item[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        bool? Verdict(string key) => Text(key) switch
        {
            "accept" => true,
            "refuse" => false,
            null => null,
            var other => throw new InvalidDataException($"{file}: {Text("case")}: {key} is {other}, not accept or refuse"),
        };

        var name = Text("case") ?? throw new InvalidDataException($"{file}: a case without a name");
        var metallb = Verdict("metallb") ?? throw new InvalidDataException($"{file}: {name}: no MetalLB verdict");
        var barelb = Verdict("barelb");
        if (barelb is not null && Text("difference") is null)
        {
            throw new InvalidDataException($"{file}: {name}: a different verdict needs its reason in difference");
        }

        return new FidelityCase(file, name, Text("from") ?? "", metallb, barelb, Text("difference"), Text("stage"),
            item.ContainsKey("config") ? Text("config") ?? "" : null, Text("objects"));
    }

    /// <summary>The case as one manifest file: the ConfigMap, or the objects with metallb-system as their default namespace (in JSON, which is YAML).</summary>
    public string ToManifest()
    {
        if (LegacyConfig is { } config)
        {
            var configMap = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "config", ["namespace"] = "metallb-system" },
                ["data"] = new JsonObject { ["config"] = config },
            };
            return configMap.ToJsonString();
        }

        return string.Join("\n---\n", ObjectNodes().Select(n => n.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));
    }

    /// <summary>The objects as JSON trees, each with a namespace.</summary>
    public IReadOnlyList<JsonObject> ObjectNodes()
    {
        Assert.True(YamlDocumentReader.TryRead(Objects ?? "", 0, out var documents, out var error), $"{this}: {error?.Message}");
        var result = new List<JsonObject>();
        foreach (var document in documents.Where(d => d.Root is not null))
        {
            var root = Assert.IsType<JsonObject>(document.Root, exactMatch: false);
            if (root["metadata"] is JsonObject metadata && !metadata.ContainsKey("namespace"))
            {
                metadata["namespace"] = "metallb-system";
            }

            result.Add(root);
        }

        return result;
    }
}
