using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary>
/// The status BareLb's CRDs give the configuration kinds other than IPAddressPool (MetalLB's give them none):
/// an <c>Accepted</c> condition that says whether the object is part of the configuration in force, and why not.
/// </summary>
public sealed class ConfigurationObjectStatus
{
    /// <summary>The conditions.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }
}
