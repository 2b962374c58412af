using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> BGPAdvertisement: announce the addresses of some pools to BGP peers.</summary>
public sealed class BGPAdvertisement() : ConditionedMetalLbObject<BGPAdvertisementSpec>(MetalLbApi.V1Beta1, KindName)
{
    /// <summary>The kind.</summary>
    public const string KindName = "BGPAdvertisement";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "bgpadvertisements";
}

/// <summary>The desired state of a <see cref="BGPAdvertisement"/>.</summary>
public sealed class BGPAdvertisementSpec
{
    /// <summary>The prefix length IPv4 routes are aggregated to; 32 when absent.</summary>
    [JsonPropertyName("aggregationLength")]
    public int? AggregationLength { get; set; }

    /// <summary>The prefix length IPv6 routes are aggregated to; 128 when absent.</summary>
    [JsonPropertyName("aggregationLengthV6")]
    public int? AggregationLengthV6 { get; set; }

    /// <summary>The BGP LOCAL_PREF attribute (iBGP only).</summary>
    [JsonPropertyName("localPref")]
    public uint? LocalPref { get; set; }

    /// <summary>Communities, as "high:low", "large:a:b:c" or the name of a Community alias.</summary>
    [JsonPropertyName("communities")]
    public IList<string>? Communities { get; set; }

    /// <summary>Pools to announce by name; with no names and no selectors, every pool.</summary>
    [JsonPropertyName("ipAddressPools")]
    public IList<string>? IPAddressPools { get; set; }

    /// <summary>Pools to announce by their labels.</summary>
    [JsonPropertyName("ipAddressPoolSelectors")]
    public IList<V1LabelSelector>? IPAddressPoolSelectors { get; set; }

    /// <summary>Nodes that announce; all when empty.</summary>
    [JsonPropertyName("nodeSelectors")]
    public IList<V1LabelSelector>? NodeSelectors { get; set; }

    /// <summary>Names of the BGPPeers to announce to; all when empty.</summary>
    [JsonPropertyName("peers")]
    public IList<string>? Peers { get; set; }

    /// <summary>Services whose addresses this advertisement announces; all when empty (MetalLB 0.16 and later).</summary>
    [JsonPropertyName("serviceSelectors")]
    public IList<V1LabelSelector>? ServiceSelectors { get; set; }
}
