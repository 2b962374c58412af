using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> ServiceBGPStatus: which peers a node announces a Service to.</summary>
public sealed class ServiceBGPStatus : IKubernetesObject<V1ObjectMeta>, IStatus<ServiceBGPStatusStatus?>
{
    /// <summary>The kind.</summary>
    public const string KindName = "ServiceBGPStatus";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "servicebgpstatuses";

    /// <inheritdoc/>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = MetalLbApi.V1Beta1;

    /// <inheritdoc/>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    /// <inheritdoc/>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Empty: the object only reports.</summary>
    [JsonPropertyName("spec")]
    public IDictionary<string, object>? Spec { get; set; }

    /// <inheritdoc/>
    [JsonPropertyName("status")]
    public ServiceBGPStatusStatus? Status { get; set; }
}

/// <summary>The node, the Service and the peers it is announced to.</summary>
public sealed class ServiceBGPStatusStatus
{
    /// <summary>The announcing node.</summary>
    [JsonPropertyName("node")]
    public string? Node { get; set; }

    /// <summary>The Service's name.</summary>
    [JsonPropertyName("serviceName")]
    public string? ServiceName { get; set; }

    /// <summary>The Service's namespace.</summary>
    [JsonPropertyName("serviceNamespace")]
    public string? ServiceNamespace { get; set; }

    /// <summary>The names of the BGPPeers the Service is announced to.</summary>
    [JsonPropertyName("peers")]
    public IList<string>? Peers { get; set; }
}
