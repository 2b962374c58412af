using System.Text.Json;
using BareLb.Kube.Configuration.Source;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>Writes Service status, annotations and events, and configuration problems as events, through KubernetesClient.</summary>
/// <param name="client">The client.</param>
/// <param name="component">The name events are reported from, e.g. "barelb-controller".</param>
/// <param name="timeProvider">The clock for event timestamps.</param>
public sealed class KubernetesServiceWriter(IKubernetes client, string component, TimeProvider? timeProvider = null) : IServiceWriter, IConfigurationEvents
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc/>
    public async Task<V1Service?> WriteIngressAsync(V1Service service, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(addresses);
        var ingress = addresses.Select(a => new Dictionary<string, string> { ["ip"] = a, ["ipMode"] = "VIP" }).ToList();
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["status"] = new Dictionary<string, object> { ["loadBalancer"] = new Dictionary<string, object> { ["ingress"] = ingress } } });
        return await client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<V1Service?> WritePoolAnnotationAsync(V1Service service, string? pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, object> { ["annotations"] = new Dictionary<string, string?> { [Services.ServiceAnnotations.IPAllocatedFromPool] = pool } },
        });
        return await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(body, V1Patch.PatchType.MergePatch), service.Metadata.Name, service.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken)
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
            type,
            reason,
            message,
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task RecordProblemAsync(Configuration.ConfigurationProblem problem, string objectNamespace, string? objectUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var slash = problem.ObjectName.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? problem.ObjectName : problem.ObjectName[(slash + 1)..];
        var (apiVersion, kind) = problem.Kind switch
        {
            "ConfigMap" => ("v1", "ConfigMap"),
            Configuration.Api.BGPPeer.KindName => (Configuration.Api.MetalLbApi.V1Beta2, problem.Kind), // BGPPeer is served (and read) as v1beta2
            _ => (Configuration.Api.MetalLbApi.V1Beta1, problem.Kind),
        };
        const string type = "Warning";
        var reason = problem.Severity == Configuration.ProblemSeverity.Error ? "InvalidConfiguration" : "ConfigurationWarning";
        return RecordAsync(
            new V1ObjectReference { ApiVersion = apiVersion, Kind = kind, Name = name, NamespaceProperty = objectNamespace, Uid = objectUid },
            type,
            reason,
            problem.Field.Length == 0 ? problem.Message : $"{problem.Field}: {problem.Message}",
            cancellationToken);
    }

    private Task<Corev1Event> RecordAsync(V1ObjectReference involved, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = involved.Name + ".", NamespaceProperty = involved.NamespaceProperty },
            InvolvedObject = involved,
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = component },
            ReportingComponent = component,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        return client.CoreV1.CreateNamespacedEventAsync(ev, involved.NamespaceProperty, cancellationToken: cancellationToken);
    }
}
