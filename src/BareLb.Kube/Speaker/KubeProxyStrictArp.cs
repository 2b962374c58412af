using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BareLb.Kube.Speaker;

/// <summary>
/// The guide's preparation step, checked: kube-proxy in IPVS mode binds every Service address to <c>kube-ipvs0</c>
/// on every node, and unless <c>ipvs.strictARP</c> is true every node answers ARP for them, so clients reach
/// whichever node answered last instead of the elected one. Reads the KubeProxyConfiguration in the
/// <c>kube-system/kube-proxy</c> ConfigMap (kubeadm's key <c>config.conf</c>, or any key holding one).
/// </summary>
internal static class KubeProxyStrictArp
{
    /// <summary>Where kube-proxy's configuration lives.</summary>
    public const string Namespace = "kube-system", Name = "kube-proxy";

    /// <summary>The reason of the Warning event.</summary>
    public const string Reason = "StrictARPDisabled";

    /// <summary>The guide's one-line fix.</summary>
    public const string GuideFix =
        "kubectl get configmap kube-proxy -n kube-system -o yaml | sed -e \"s/strictARP: false/strictARP: true/\" | kubectl apply -f - -n kube-system";

    /// <summary>
    /// Why this ConfigMap makes Layer 2 announcements unreliable, with the fix; null when it does not (not IPVS, or
    /// strictARP true, or no configuration that reads).
    /// </summary>
    public static string? Problem(V1ConfigMap? configMap)
    {
        foreach (var (key, text) in configMap?.Data ?? new Dictionary<string, string>())
        {
            if (Read(text) is not { } root || !IsKubeProxyConfiguration(key, root))
            {
                continue;
            }

            var mode = Scalar(root, "mode");
            if (!string.Equals(mode, "ipvs", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var strict = root.Children.TryGetValue(new YamlScalarNode("ipvs"), out var ipvs) && ipvs is YamlMappingNode map ? Scalar(map, "strictARP") : null;
            if (string.Equals(strict, "true", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var fix = strict is null
                ? "kubectl edit configmap kube-proxy -n kube-system, and under ipvs: set strictARP: true"
                : GuideFix;
            return $"kube-proxy runs in IPVS mode with strictARP {(strict is null ? "unset" : strict)} (key {key}): every node answers ARP for "
                + $"LoadBalancer addresses, not only the announcing one, so clients may reach the wrong node. Fix: {fix} (kube-proxy restarts itself, or restart its Pods)";
        }

        return null;
    }

    private static bool IsKubeProxyConfiguration(string key, YamlMappingNode root) =>
        string.Equals(key, "config.conf", StringComparison.Ordinal)
        || string.Equals(Scalar(root, "kind"), "KubeProxyConfiguration", StringComparison.Ordinal);

    private static YamlMappingNode? Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        }
        catch (YamlException)
        {
            return null;
        }
    }

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;
}
