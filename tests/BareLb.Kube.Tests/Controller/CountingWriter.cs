using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Controller;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>Passes writes through to the real writer and counts them.</summary>
internal sealed class CountingWriter(IServiceWriter inner) : IServiceWriter
{
    /// <summary>The inner writer's configuration events, when it records them.</summary>
    public IConfigurationEvents? Events => inner as IConfigurationEvents;

    private int _statusWrites;
    private int _annotationWrites;
    private int _events;

    public int StatusWrites => Volatile.Read(ref _statusWrites);

    public int AnnotationWrites => Volatile.Read(ref _annotationWrites);

    public int EventCount => Volatile.Read(ref _events);

    /// <summary>Counts a write as a status write when the ingress changes, and as an annotation write when the pool annotation does (one write may be both).</summary>
    public Task<V1Service?> WriteStatusAsync(V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken)
    {
        var ingress = service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip).ToList() ?? [];
        if (!ingress.SequenceEqual(addresses, StringComparer.Ordinal))
        {
            Interlocked.Increment(ref _statusWrites);
        }

        string? annotation = null;
        service.Metadata?.Annotations?.TryGetValue(BareLb.Kube.Services.ServiceAnnotations.IPAllocatedFromPool, out annotation);
        if (!string.Equals(annotation, pool, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _annotationWrites);
        }

        return inner.WriteStatusAsync(service, addresses, pool, cancellationToken);
    }

    public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _events);
        return inner.RecordEventAsync(service, type, reason, message, cancellationToken);
    }
}
