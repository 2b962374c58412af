using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>One entry of a pool's <c>bgp-advertisements</c>.</summary>
internal sealed class LegacyBgpAdvertisement
{
    [JsonPropertyName("aggregation-length")]
    public int? AggregationLength { get; set; }

    [JsonPropertyName("aggregation-length-v6")]
    public int? AggregationLengthV6 { get; set; }

    [JsonPropertyName("localpref")]
    public uint? LocalPref { get; set; }

    [JsonPropertyName("communities")]
    public List<string>? Communities { get; set; }
}
