using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary>
/// A metallb.io configuration kind whose status (in BareLb's CRDs) holds only conditions: every kind but
/// IPAddressPool, whose status also has counts.
/// </summary>
/// <typeparam name="TSpec">The kind's spec.</typeparam>
public abstract class ConditionedMetalLbObject<TSpec> : MetalLbObject<TSpec>, IStatus<ConfigurationObjectStatus?>
    where TSpec : class, new()
{
    /// <summary>Creates an object of a kind, with an empty spec and no status.</summary>
    protected ConditionedMetalLbObject(string apiVersion, string kind)
        : base(apiVersion, kind)
    {
    }

    /// <inheritdoc/>
    [JsonPropertyName("status")]
    public ConfigurationObjectStatus? Status { get; set; }
}
