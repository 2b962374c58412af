using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>The document under key <c>config</c> of MetalLB v0.12's ConfigMap, field for field.</summary>
internal sealed class LegacyConfigFile
{
    [JsonPropertyName("peers")]
    public List<LegacyPeer>? Peers { get; set; }

    [JsonPropertyName("bgp-communities")]
    public Dictionary<string, string>? BgpCommunities { get; set; }

    [JsonPropertyName("address-pools")]
    public List<LegacyAddressPool>? AddressPools { get; set; }

    [JsonPropertyName("bfd-profiles")]
    public List<LegacyBfdProfile>? BfdProfiles { get; set; }
}
