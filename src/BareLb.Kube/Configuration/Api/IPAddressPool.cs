using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> IPAddressPool: addresses that Services of type LoadBalancer may get.</summary>
public sealed class IPAddressPool() : MetalLbObject<IPAddressPoolSpec>(MetalLbApi.V1Beta1, KindName), IStatus<IPAddressPoolStatus?>
{
    /// <summary>The kind.</summary>
    public const string KindName = "IPAddressPool";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "ipaddresspools";

    /// <inheritdoc/>
    [JsonPropertyName("status")]
    public IPAddressPoolStatus? Status { get; set; }
}

/// <summary>The desired state of an <see cref="IPAddressPool"/>.</summary>
public sealed class IPAddressPoolSpec
{
    /// <summary>CIDRs, "first-last" ranges and single addresses.</summary>
    [JsonPropertyName("addresses")]
    public IList<string>? Addresses { get; set; }

    /// <summary>Whether Services that ask for no pool may get addresses from it; true when absent.</summary>
    [JsonPropertyName("autoAssign")]
    public bool? AutoAssign { get; set; }

    /// <summary>Whether IPv4 addresses ending in .0 or .255 are skipped.</summary>
    [JsonPropertyName("avoidBuggyIPs")]
    public bool? AvoidBuggyIPs { get; set; }

    /// <summary>Which Services may use the pool, and its priority.</summary>
    [JsonPropertyName("serviceAllocation")]
    public ServiceAllocation? ServiceAllocation { get; set; }
}

/// <summary>A pool's <c>serviceAllocation</c>.</summary>
public sealed class ServiceAllocation
{
    /// <summary>Lower numbers are tried first.</summary>
    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    /// <summary>Namespaces whose Services may use the pool.</summary>
    [JsonPropertyName("namespaces")]
    public IList<string>? Namespaces { get; set; }

    /// <summary>Selectors over namespace labels.</summary>
    [JsonPropertyName("namespaceSelectors")]
    public IList<V1LabelSelector>? NamespaceSelectors { get; set; }

    /// <summary>Selectors over Service labels.</summary>
    [JsonPropertyName("serviceSelectors")]
    public IList<V1LabelSelector>? ServiceSelectors { get; set; }
}

/// <summary>The observed state of an <see cref="IPAddressPool"/>: addresses in use and free, per family.</summary>
public sealed class IPAddressPoolStatus
{
    /// <summary>IPv4 addresses assigned to Services.</summary>
    [JsonPropertyName("assignedIPv4")]
    public long AssignedIPv4 { get; set; }

    /// <summary>IPv6 addresses assigned to Services.</summary>
    [JsonPropertyName("assignedIPv6")]
    public long AssignedIPv6 { get; set; }

    /// <summary>IPv4 addresses still free.</summary>
    [JsonPropertyName("availableIPv4")]
    public long AvailableIPv4 { get; set; }

    /// <summary>IPv6 addresses still free (saturated at the largest 64-bit number).</summary>
    [JsonPropertyName("availableIPv6")]
    public long AvailableIPv6 { get; set; }

    /// <summary>BareLb's conditions: <c>Accepted</c> (the pool is part of the configuration in force) and <c>Advertised</c> (some advertisement selects it).</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
