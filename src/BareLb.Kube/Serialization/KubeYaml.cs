using System.Text.Json.Nodes;
using BareLb.Kube.Configuration.Yaml;

namespace BareLb.Kube.Serialization;

/// <summary>
/// Kubernetes objects from YAML without reflection: BareLb's YAML reader gives a JSON tree (YAML 1.2's core schema),
/// which <see cref="KubeJson"/> binds. KubernetesClient.Aot's own YAML reader knows only kubeconfig files.
/// </summary>
internal static class KubeYaml
{
    /// <summary>Reads the one document of <paramref name="yaml"/> as a <typeparamref name="T"/>.</summary>
    /// <exception cref="FormatException">The text is not YAML, or holds other than one document.</exception>
    public static T Deserialize<T>(string yaml)
    {
        var documents = ReadAll(yaml);
        return documents.Count == 1
            ? KubeJson.Deserialize<T>(documents[0])
            : throw new FormatException($"expected one YAML document, found {documents.Count}");
    }

    /// <summary>Reads every non-empty document of <paramref name="yaml"/> as a JSON tree.</summary>
    /// <exception cref="FormatException">The text is not YAML.</exception>
    public static IReadOnlyList<JsonNode> ReadAll(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        if (!YamlDocumentReader.TryRead(yaml, 0, out var documents, out var error))
        {
            throw new FormatException($"line {error?.Line}: {error?.Message}");
        }

        return [.. documents.Select(d => d.Root).OfType<JsonNode>()];
    }
}
