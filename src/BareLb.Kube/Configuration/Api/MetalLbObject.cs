using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary>The envelope every <c>metallb.io</c> configuration kind shares: apiVersion, kind, metadata and a spec.</summary>
/// <typeparam name="TSpec">The kind's spec.</typeparam>
public abstract class MetalLbObject<TSpec> : IKubernetesObject<V1ObjectMeta>, ISpec<TSpec>
    where TSpec : class, new()
{
    /// <summary>Creates an object of a kind, with an empty spec.</summary>
    protected MetalLbObject(string apiVersion, string kind)
    {
        ApiVersion = apiVersion;
        Kind = kind;
    }

    /// <inheritdoc/>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; }

    /// <inheritdoc/>
    [JsonPropertyName("kind")]
    public string Kind { get; set; }

    /// <inheritdoc/>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc/>
    [JsonPropertyName("spec")]
    public TSpec Spec { get; set; } = new();
}
