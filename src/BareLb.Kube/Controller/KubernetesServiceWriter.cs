using System.Text.Json;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>Writes Service status, annotations and events through KubernetesClient.</summary>
/// <param name="client">The client.</param>
/// <param name="component">The name events are reported from, e.g. "barelb-controller".</param>
/// <param name="timeProvider">The clock for event timestamps.</param>
public sealed class KubernetesServiceWriter(IKubernetes client, string component, TimeProvider? timeProvider = null) : IServiceWriter
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public Task WriteIngressAsync(V1Service service, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(addresses);
        var ingress = addresses.Select(a => new Dictionary<string, string> { ["ip"] = a, ["ipMode"] = "VIP" }).ToList();
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["status"] = new Dictionary<string, object> { ["loadBalancer"] = new Dictionary<string, object> { ["ingress"] = ingress } } });
        return client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }

    /// <inheritdoc/>
    public Task WritePoolAnnotationAsync(V1Service service, string? pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object> { ["annotations"] = new Dictionary<string, string?> { [Services.ServiceAnnotations.IPAllocatedFromPool] = pool } },
        });
        return client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }

    /// <inheritdoc/>
    public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var now = _time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = service.Metadata.Name + ".", NamespaceProperty = service.Metadata.NamespaceProperty },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Service",
                Name = service.Metadata.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Uid = service.Metadata.Uid,
                ResourceVersion = service.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = component },
            ReportingComponent = component,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        return client.CoreV1.CreateNamespacedEventAsync(ev, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
