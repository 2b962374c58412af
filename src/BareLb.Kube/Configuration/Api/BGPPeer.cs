using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta2</c> BGPPeer (the storage version): a BGP router to peer with.</summary>
public sealed class BGPPeer() : ConditionedMetalLbObject<BGPPeerSpec>(MetalLbApi.V1Beta2, KindName)
{
    /// <summary>The kind.</summary>
    public const string KindName = "BGPPeer";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "bgppeers";
}

/// <summary>The desired state of a <see cref="BGPPeer"/> (v1beta2).</summary>
public sealed class BGPPeerSpec
{
    /// <summary>The AS number the speaker uses.</summary>
    [JsonPropertyName("myASN")]
    public uint? MyAsn { get; set; }

    /// <summary>The AS number expected from the peer.</summary>
    [JsonPropertyName("peerASN")]
    public uint? PeerAsn { get; set; }

    /// <summary>The AS number the speaker presents to this peer instead of <see cref="MyAsn"/> (MetalLB 0.15 and later).</summary>
    [JsonPropertyName("localASN")]
    public uint? LocalAsn { get; set; }

    /// <summary>"internal" or "external" instead of <see cref="PeerAsn"/>.</summary>
    [JsonPropertyName("dynamicASN")]
    public string? DynamicAsn { get; set; }

    /// <summary>The peer's address.</summary>
    [JsonPropertyName("peerAddress")]
    public string? PeerAddress { get; set; }

    /// <summary>The interface to peer over, unnumbered (BGP over the link-local address), instead of <see cref="PeerAddress"/>.</summary>
    [JsonPropertyName("interface")]
    public string? Interface { get; set; }

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

    /// <summary>How long to wait for a connection, a duration.</summary>
    [JsonPropertyName("connectTime")]
    public string? ConnectTime { get; set; }

    /// <summary>The BGP router ID to advertise.</summary>
    [JsonPropertyName("routerID")]
    public string? RouterId { get; set; }

    /// <summary>Nodes that peer; all when empty.</summary>
    [JsonPropertyName("nodeSelectors")]
    public IList<V1LabelSelector>? NodeSelectors { get; set; }

    /// <summary>The TCP MD5 password, in clear.</summary>
    [JsonPropertyName("password")]
    public string? Password { get; set; }

    /// <summary>A Secret of type kubernetes.io/basic-auth holding the password.</summary>
    [JsonPropertyName("passwordSecret")]
    public V1SecretReference? PasswordSecret { get; set; }

    /// <summary>The name of the BFDProfile to use.</summary>
    [JsonPropertyName("bfdProfile")]
    public string? BfdProfile { get; set; }

    /// <summary>Whether BGP graceful restart is negotiated.</summary>
    [JsonPropertyName("enableGracefulRestart")]
    public bool? EnableGracefulRestart { get; set; }

    /// <summary>Whether the peer is several hops away.</summary>
    [JsonPropertyName("ebgpMultiHop")]
    public bool? EbgpMultiHop { get; set; }

    /// <summary>The VRF to peer in.</summary>
    [JsonPropertyName("vrf")]
    public string? Vrf { get; set; }

    /// <summary>Whether multiprotocol BGP is disabled (one session per family).</summary>
    [JsonPropertyName("disableMP")]
    public bool? DisableMP { get; set; }

    /// <summary>Whether both address families are negotiated on this one session (MetalLB 0.15 and later).</summary>
    [JsonPropertyName("dualStackAddressFamily")]
    public bool? DualStackAddressFamily { get; set; }
}
