using BareLb.Core.Addresses;
using BareLb.Kube.Client;
using BareLb.Kube.Events;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Speaker;

/// <summary>The events the speaker records: MetalLB's <c>nodeAssigned</c> on a Service, and the strictARP warning.</summary>
internal sealed class SpeakerEvents(ApiConnection client, string node, TimeProvider time)
{
    private readonly EventRecorder _recorder = new(client, Component, time, node);

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
        return _recorder.RecordAsync(
            EventRecorder.ReferenceTo(service, "v1", "Service"),
            "Normal",
            NodeAssigned,
            NodeAssignedMessage(node),
            cancellationToken);
    }

    /// <summary>MetalLB's reason when the elected node has none of the interfaces the advertisements name.</summary>
    public const string AnnounceFailed = "announceFailed";

    /// <summary>MetalLB's message for <see cref="AnnounceFailed"/> (its words and Go's %q quoting).</summary>
    public static string AnnounceFailedMessage(IPAddr address, string node) =>
        $"the interfaces specified by LB IP \"{address}\" doesn't exist in assigned node \"{node}\" with protocol \"layer2\"";

    /// <summary>Records <c>announceFailed</c> (Warning) on the Service for one of its addresses.</summary>
    public Task<Corev1Event> AnnounceFailedAsync(V1Service service, IPAddr address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return _recorder.RecordAsync(
            EventRecorder.ReferenceTo(service, "v1", "Service"),
            "Warning",
            AnnounceFailed,
            AnnounceFailedMessage(address, node),
            cancellationToken);
    }

    /// <summary>Records the strictARP warning on kube-proxy's ConfigMap.</summary>
    public Task<Corev1Event> StrictArpAsync(V1ConfigMap configMap, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configMap);
        return _recorder.RecordAsync(
            EventRecorder.ReferenceTo(configMap, "v1", "ConfigMap"),
            "Warning",
            KubeProxyStrictArp.Reason,
            message,
            cancellationToken);
    }
}
