using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> Community: names for BGP community values.</summary>
public sealed class Community() : ConditionedMetalLbObject<CommunitySpec>(MetalLbApi.V1Beta1, KindName)
{
    /// <summary>The kind.</summary>
    public const string KindName = "Community";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "communities";
}

/// <summary>The desired state of a <see cref="Community"/>.</summary>
public sealed class CommunitySpec
{
    /// <summary>The aliases.</summary>
    [JsonPropertyName("communities")]
    public IList<CommunityAlias>? Communities { get; set; }
}

/// <summary>One community alias.</summary>
public sealed class CommunityAlias
{
    /// <summary>The alias, used in BGPAdvertisement.spec.communities.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The value: "high:low" or "large:global:local1:local2".</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
