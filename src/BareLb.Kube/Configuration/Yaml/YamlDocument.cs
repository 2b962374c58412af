using System.Text.Json.Nodes;

namespace BareLb.Kube.Configuration.Yaml;

/// <summary>One document of a YAML stream as a JSON tree, with the line of each field.</summary>
/// <param name="Root">The document's content; null for an empty document.</param>
/// <param name="Lines">Where each field of the document is.</param>
internal sealed record YamlDocument(JsonNode? Root, FieldLineMap Lines);
