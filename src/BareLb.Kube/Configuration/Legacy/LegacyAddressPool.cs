using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>One entry of <c>address-pools</c>.</summary>
internal sealed class LegacyAddressPool
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("protocol")]
    public string? Protocol { get; set; }

    [JsonPropertyName("addresses")]
    public List<string>? Addresses { get; set; }

    [JsonPropertyName("auto-assign")]
    public bool? AutoAssign { get; set; }

    [JsonPropertyName("avoid-buggy-ips")]
    public bool? AvoidBuggyIPs { get; set; }

    [JsonPropertyName("bgp-advertisements")]
    public List<LegacyBgpAdvertisement>? BgpAdvertisements { get; set; }
}
