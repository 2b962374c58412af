using System.Net;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Events;
using k8s;
using k8s.Autorest;
using k8s.Models;
using BareLb.Kube.Serialization;
using BareLb.Kube.Client;

namespace BareLb.Kube.Controller;

/// <summary>Writes Service status (with the pool annotation) and events, and configuration problems as events, through KubernetesClient.</summary>
/// <param name="client">The client.</param>
/// <param name="component">The name events are reported from, e.g. "barelb-controller".</param>
/// <param name="timeProvider">The clock for event timestamps.</param>
internal sealed class KubernetesServiceWriter(ApiConnection client, string component, TimeProvider? timeProvider = null) : IServiceWriter, IConfigurationEvents
{
    private readonly EventRecorder _events = new(client, component, timeProvider ?? TimeProvider.System);

    /// <summary>How many times a write that conflicts (409: the Service changed since it was read) is tried again on the Service as it is now.</summary>
    private const int ConflictRetries = 3;

    /// <inheritdoc/>
    /// <remarks>
    /// An <c>update</c> of <c>services/status</c> carrying the Service as read with the new ingress and annotation,
    /// the one permission MetalLB's controller has for it (no <c>patch</c>, no write of the Service itself). A
    /// conflict means the Service changed meanwhile: it is read again and the write made on it, at most
    /// <see cref="ConflictRetries"/> times.
    /// </remarks>
    public async Task<V1Service?> WriteStatusAsync(V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(addresses);
        var current = service;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await KubeApi.ReplaceAsync(
                    client, ApiPath.Core("services", current.Metadata.NamespaceProperty, current.Metadata.Name, "status"), WithStatus(current, addresses, pool), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Conflict && attempt < ConflictRetries)
            {
                current = await KubeApi.GetAsync<V1Service>(client, ApiPath.Core("services", service.Metadata.NamespaceProperty, service.Metadata.Name), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // A copy of the Service with the ingress and the pool annotation wanted; the rest as read (its resourceVersion
    // makes the write fail rather than overwrite a newer Service).
    private static V1Service WithStatus(V1Service service, IReadOnlyList<string> addresses, string? pool)
    {
        var copy = KubeJson.Copy(service);
        copy.Status ??= new V1ServiceStatus();
        copy.Status.LoadBalancer ??= new V1LoadBalancerStatus();
        copy.Status.LoadBalancer.Ingress = [.. addresses.Select(a => new V1LoadBalancerIngress { Ip = a, IpMode = "VIP" })];
        var annotations = copy.Metadata.Annotations is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(copy.Metadata.Annotations, StringComparer.Ordinal);
        if (pool is null)
        {
            annotations.Remove(Services.ServiceAnnotations.IPAllocatedFromPool);
        }
        else
        {
            annotations[Services.ServiceAnnotations.IPAllocatedFromPool] = pool;
        }

        copy.Metadata.Annotations = annotations.Count == 0 ? null : annotations;
        return copy;
    }

    /// <inheritdoc/>
    public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        return _events.RecordAsync(
            EventRecorder.ReferenceTo(service, "v1", "Service"),
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
        return _events.RecordAsync(
            new V1ObjectReference { ApiVersion = apiVersion, Kind = kind, Name = name, NamespaceProperty = objectNamespace, Uid = objectUid },
            type,
            reason,
            problem.Field.Length == 0 ? problem.Message : $"{problem.Field}: {problem.Message}",
            cancellationToken);
    }
}
