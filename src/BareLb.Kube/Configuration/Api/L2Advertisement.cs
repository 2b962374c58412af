using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> L2Advertisement: announce the addresses of some pools with ARP and NDP.</summary>
public sealed class L2Advertisement() : ConditionedMetalLbObject<L2AdvertisementSpec>(MetalLbApi.V1Beta1, KindName)
{
    /// <summary>The kind.</summary>
    public const string KindName = "L2Advertisement";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "l2advertisements";
}

/// <summary>The desired state of an <see cref="L2Advertisement"/>.</summary>
public sealed class L2AdvertisementSpec
{
    /// <summary>Pools to announce by name; with no names and no selectors, every pool.</summary>
    [JsonPropertyName("ipAddressPools")]
    public IList<string>? IPAddressPools { get; set; }

    /// <summary>Pools to announce by their labels.</summary>
    [JsonPropertyName("ipAddressPoolSelectors")]
    public IList<V1LabelSelector>? IPAddressPoolSelectors { get; set; }

    /// <summary>Nodes that may announce; all when empty.</summary>
    [JsonPropertyName("nodeSelectors")]
    public IList<V1LabelSelector>? NodeSelectors { get; set; }

    /// <summary>Interfaces to announce on; all when empty.</summary>
    [JsonPropertyName("interfaces")]
    public IList<string>? Interfaces { get; set; }

    /// <summary>Services whose addresses this advertisement announces; all when empty (MetalLB 0.16 and later).</summary>
    [JsonPropertyName("serviceSelectors")]
    public IList<V1LabelSelector>? ServiceSelectors { get; set; }

    /// <summary>
    /// Soft preferences for the node that announces (MetalLB's <c>preferredNodeSelectors</c>): among the nodes the
    /// advertisement allows, those with the highest summed weight are elected first.
    /// </summary>
    [JsonPropertyName("preferredNodeSelectors")]
    public IList<PreferredNodeSelector>? PreferredNodeSelectors { get; set; }
}

/// <summary>One entry of <see cref="L2AdvertisementSpec.PreferredNodeSelectors"/>, modelled on Kubernetes' PreferredSchedulingTerm.</summary>
public sealed class PreferredNodeSelector
{
    /// <summary>The weight the selected nodes gain, 1 to 100; weights of entries that select the same node add up.</summary>
    [JsonPropertyName("weight")]
    public int Weight { get; set; }

    /// <summary>The nodes that gain the weight; an empty selector selects every node the advertisement allows.</summary>
    [JsonPropertyName("preference")]
    public V1LabelSelector? Preference { get; set; }
}
