using System.Reflection;

namespace BareLb.Kube.Configuration;

/// <summary>
/// BareLb's CustomResourceDefinitions for the metallb.io kinds, shipped inside the assembly (and as files in
/// the source tree, Configuration/Crds): OpenAPI schemas and CEL rules that let the API server refuse
/// obviously wrong objects without a webhook.
/// </summary>
public static class CrdManifests
{
    private const string Prefix = "BareLb.Kube.Crds.";

    /// <summary>The file names, e.g. "metallb.io_ipaddresspools.yaml", in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(CrdManifests).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..])
            .Order(StringComparer.Ordinal)];

    /// <summary>The YAML text of one manifest; null when there is none of that name.</summary>
    public static string? Read(string name)
    {
        using var stream = typeof(CrdManifests).Assembly.GetManifestResourceStream(Prefix + name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>All manifests as one multi-document YAML text, ready for <c>kubectl apply -f -</c>.</summary>
    public static string ReadAll() => string.Join("---\n", Names.Select(n => Read(n)!));
}
