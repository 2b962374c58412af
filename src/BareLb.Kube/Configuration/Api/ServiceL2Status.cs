using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> ServiceL2Status: which node announces a Service in layer 2 mode.</summary>
public sealed class ServiceL2Status : IKubernetesObject<V1ObjectMeta>, IStatus<ServiceL2StatusStatus?>
{
    /// <summary>The kind.</summary>
    public const string KindName = "ServiceL2Status";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "servicel2statuses";

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
    public ServiceL2StatusStatus? Status { get; set; }
}

/// <summary>The announcing node of a Service and its interfaces.</summary>
public sealed class ServiceL2StatusStatus
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

    /// <summary>The interfaces the node announces on.</summary>
    [JsonPropertyName("interfaces")]
    public IList<InterfaceInfo>? Interfaces { get; set; }
}

/// <summary>One network interface.</summary>
public sealed class InterfaceInfo
{
    /// <summary>Its name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}
