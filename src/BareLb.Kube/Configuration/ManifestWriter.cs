using System.Text;
using System.Text.Json.Nodes;
using BareLb.Kube.Configuration.Yaml;

namespace BareLb.Kube.Configuration;

/// <summary>Writes metallb.io objects as multi-document YAML, pools first so that kubectl applies them before their users.</summary>
internal static class ManifestWriter
{
    public static string Write(MetalLbResources resources)
    {
        var output = new StringBuilder();
        IEnumerable<object> objects =
        [
            .. resources.Pools, .. resources.L2Advertisements, .. resources.BfdProfiles, .. resources.Communities,
            .. resources.BgpPeers, .. resources.BgpAdvertisements,
        ];
        foreach (var item in objects)
        {
            var node = Serialization.KubeJson.ToNode(item);
            YamlWriter.WriteDocument(node, output);
        }

        return output.ToString();
    }
}
