using k8s;
using k8s.Models;
using BareLb.Kube.Client;

namespace BareLb.Kube.Events;

/// <summary>
/// Records core/v1 Events as one component (and, for per-node components, one host) reports them, timestamped by
/// the given clock: the one way the controller and the speaker write events.
/// </summary>
/// <param name="client">The client.</param>
/// <param name="component">The reporting component, e.g. "barelb-controller".</param>
/// <param name="time">The clock for the events' timestamps.</param>
/// <param name="host">The node the component runs on, for per-node components (the speaker); null otherwise.</param>
internal sealed class EventRecorder(ApiConnection client, string component, TimeProvider time, string? host = null)
{
    /// <summary>A reference to <paramref name="item"/> (of <paramref name="apiVersion"/> and <paramref name="kind"/>) for an event to be about.</summary>
    public static V1ObjectReference ReferenceTo(IKubernetesObject<V1ObjectMeta> item, string apiVersion, string kind)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new V1ObjectReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = item.Metadata.Name,
            NamespaceProperty = item.Metadata.NamespaceProperty,
            Uid = item.Metadata.Uid,
            ResourceVersion = item.Metadata.ResourceVersion,
        };
    }

    /// <summary>Records one event of <paramref name="type"/> ("Normal" or "Warning") about <paramref name="involved"/>.</summary>
    public Task<Corev1Event> RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(involved);
        var now = time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = involved.Name + ".", NamespaceProperty = involved.NamespaceProperty },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = component, Host = host },
            ReportingComponent = component,
            ReportingInstance = host,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        return KubeApi.CreateAsync(client, ApiPath.Core("events", involved.NamespaceProperty), ev, cancellationToken);
    }
}
