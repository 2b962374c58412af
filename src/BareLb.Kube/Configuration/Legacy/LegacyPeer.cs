using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>One entry of <c>peers</c>: a BGP router to peer with.</summary>
internal sealed class LegacyPeer
{
    [JsonPropertyName("peer-address")]
    public string? PeerAddress { get; set; }

    [JsonPropertyName("peer-asn")]
    public uint? PeerAsn { get; set; }

    [JsonPropertyName("my-asn")]
    public uint? MyAsn { get; set; }

    [JsonPropertyName("peer-port")]
    public ushort? PeerPort { get; set; }

    [JsonPropertyName("source-address")]
    public string? SourceAddress { get; set; }

    [JsonPropertyName("hold-time")]
    public string? HoldTime { get; set; }

    [JsonPropertyName("keepalive-time")]
    public string? KeepaliveTime { get; set; }

    [JsonPropertyName("router-id")]
    public string? RouterId { get; set; }

    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonPropertyName("bfd-profile")]
    public string? BfdProfile { get; set; }

    [JsonPropertyName("ebgp-multihop")]
    public bool? EbgpMultiHop { get; set; }

    [JsonPropertyName("node-selectors")]
    public List<LegacyNodeSelector>? NodeSelectors { get; set; }
}
