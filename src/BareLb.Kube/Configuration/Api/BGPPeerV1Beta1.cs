using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> BGPPeer, the older version, whose node selectors have their own shape.</summary>
public sealed class BGPPeerV1Beta1() : ConditionedMetalLbObject<BGPPeerV1Beta1Spec>(MetalLbApi.V1Beta1, BGPPeer.KindName);

/// <summary>The desired state of a v1beta1 <see cref="BGPPeerV1Beta1"/>.</summary>
public sealed class BGPPeerV1Beta1Spec
{
    /// <summary>The AS number the speaker uses.</summary>
    [JsonPropertyName("myASN")]
    public uint? MyAsn { get; set; }

    /// <summary>The AS number expected from the peer.</summary>
    [JsonPropertyName("peerASN")]
    public uint? PeerAsn { get; set; }

    /// <summary>The peer's address.</summary>
    [JsonPropertyName("peerAddress")]
    public string? PeerAddress { get; set; }

    /// <summary>The local address to connect from.</summary>
    [JsonPropertyName("sourceAddress")]
    public string? SourceAddress { get; set; }

    /// <summary>The peer's TCP port; 179 when absent.</summary>
    [JsonPropertyName("peerPort")]
    public ushort? PeerPort { get; set; }

    /// <summary>The BGP hold time, a duration such as "90s".</summary>
    [JsonPropertyName("holdTime")]
    public string? HoldTime { get; set; }

    /// <summary>The BGP keepalive time, a duration such as "30s".</summary>
    [JsonPropertyName("keepaliveTime")]
    public string? KeepaliveTime { get; set; }

    /// <summary>The BGP router ID to advertise.</summary>
    [JsonPropertyName("routerID")]
    public string? RouterId { get; set; }

    /// <summary>Nodes that peer; all when empty.</summary>
    [JsonPropertyName("nodeSelectors")]
    public IList<NodeSelectorV1Beta1>? NodeSelectors { get; set; }

    /// <summary>The TCP MD5 password.</summary>
    [JsonPropertyName("password")]
    public string? Password { get; set; }

    /// <summary>The name of the BFDProfile to use.</summary>
    [JsonPropertyName("bfdProfile")]
    public string? BfdProfile { get; set; }

    /// <summary>Whether the peer is several hops away.</summary>
    [JsonPropertyName("ebgpMultiHop")]
    public bool? EbgpMultiHop { get; set; }

    /// <summary>The VRF to peer in.</summary>
    [JsonPropertyName("vrf")]
    public string? Vrf { get; set; }
}

/// <summary>v1beta1's node selector: labels and expressions, as in a label selector.</summary>
public sealed class NodeSelectorV1Beta1
{
    /// <summary>Labels a node must have.</summary>
    [JsonPropertyName("matchLabels")]
    public IDictionary<string, string>? MatchLabels { get; set; }

    /// <summary>Requirements a node must meet.</summary>
    [JsonPropertyName("matchExpressions")]
    public IList<V1LabelSelectorRequirement>? MatchExpressions { get; set; }
}
