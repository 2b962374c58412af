using k8s;
using k8s.Models;

namespace BareLb.Kube.Speaker;

/// <summary>The events the speaker records: MetalLB's <c>nodeAssigned</c> on a Service, and the strictARP warning.</summary>
internal sealed class SpeakerEvents(IKubernetes client, string node, TimeProvider time)
{
    /// <summary>The events' source component.</summary>
    public const string Component = "barelb-speaker";

    /// <summary>MetalLB's reason when a node starts announcing a Service.</summary>
    public const string NodeAssigned = "nodeAssigned";

    /// <summary>MetalLB's message for <see cref="NodeAssigned"/> (Go's %q quoting of plain names).</summary>
    public static string NodeAssignedMessage(string node) => $"announcing from node \"{node}\" with protocol \"layer2\"";

    /// <summary>Records <c>nodeAssigned</c> (Normal) on the Service.</summary>
    public Task<Corev1Event> NodeAssignedAsync(V1Service service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return RecordAsync(
            new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Service",
                Name = service.Metadata.Name,
                NamespaceProperty = service.Metadata.NamespaceProperty,
                Uid = service.Metadata.Uid,
                ResourceVersion = service.Metadata.ResourceVersion,
            },
            "Normal",
            NodeAssigned,
            NodeAssignedMessage(node),
            cancellationToken);
    }

    /// <summary>Records the strictARP warning on kube-proxy's ConfigMap.</summary>
    public Task<Corev1Event> StrictArpAsync(V1ConfigMap configMap, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        return RecordAsync(
            new V1ObjectReference
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Name = configMap.Metadata.Name,
                NamespaceProperty = configMap.Metadata.NamespaceProperty,
                Uid = configMap.Metadata.Uid,
                ResourceVersion = configMap.Metadata.ResourceVersion,
            },
            "Warning",
            KubeProxyStrictArp.Reason,
            message,
            cancellationToken);
    }

    private Task<Corev1Event> RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = involved.Name + ".", NamespaceProperty = involved.NamespaceProperty },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = Component, Host = node },
            ReportingComponent = Component,
            ReportingInstance = node,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        return client.CoreV1.CreateNamespacedEventAsync(ev, involved.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
