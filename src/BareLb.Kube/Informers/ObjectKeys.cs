using k8s;
using k8s.Models;

namespace BareLb.Kube.Informers;

/// <summary>Cache and work-queue keys of Kubernetes objects.</summary>
internal static class ObjectKeys
{
    /// <summary>"namespace/name", or "name" for cluster objects.</summary>
    public static string Of(IKubernetesObject<V1ObjectMeta> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var meta = item.Metadata;
        return string.IsNullOrEmpty(meta?.NamespaceProperty) ? meta?.Name ?? "" : $"{meta.NamespaceProperty}/{meta.Name}";
    }
}
