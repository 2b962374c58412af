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

    public Task<V1Service?> WriteIngressAsync(V1Service service, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusWrites);
        return inner.WriteIngressAsync(service, addresses, cancellationToken);
    }

    public Task<V1Service?> WritePoolAnnotationAsync(V1Service service, string? pool, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _annotationWrites);
        return inner.WritePoolAnnotationAsync(service, pool, cancellationToken);
    }

    public Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _events);
        return inner.RecordEventAsync(service, type, reason, message, cancellationToken);
    }
}
