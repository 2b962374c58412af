using k8s;
using k8s.Models;

namespace BareLb.Kube.Configuration.Source;

/// <summary>
/// The configuration objects as one read saw them: everything derived from a read (the configuration, the
/// objects' conditions, which object an event belongs to) comes from the same snapshot, never from a later look
/// at the caches.
/// </summary>
/// <param name="ConfigMap">The legacy ConfigMap, or null.</param>
/// <param name="Resources">The metallb.io objects.</param>
/// <param name="CustomResources">The same objects, each with its kind and plural resource name.</param>
/// <param name="Fingerprint">Identifies the inputs: equal fingerprints read to the same configuration.</param>
public sealed record ConfigurationSnapshot(
    V1ConfigMap? ConfigMap,
    MetalLbResources Resources,
    IReadOnlyList<(string Kind, string Plural, IKubernetesObject<V1ObjectMeta> Object)> CustomResources,
    string Fingerprint)
{
    /// <summary>The object a configuration problem names (the ConfigMap for the legacy form), or null.</summary>
    public IKubernetesObject<V1ObjectMeta>? Find(string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(name);
        if (string.Equals(kind, "ConfigMap", StringComparison.Ordinal))
        {
            return ConfigMap;
        }

        return CustomResources.FirstOrDefault(r => string.Equals(r.Kind, kind, StringComparison.Ordinal) && string.Equals(r.Object.Metadata?.Name, name, StringComparison.Ordinal)).Object;
    }
}
