using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>What the Service reconciler writes to the API server.</summary>
public interface IServiceWriter
{
    /// <summary>Sets <c>status.loadBalancer.ingress</c> (empty to clear) through the status subresource; returns the Service as written, if known.</summary>
    Task<V1Service?> WriteIngressAsync(V1Service service, IReadOnlyList<string> addresses, CancellationToken cancellationToken);

    /// <summary>Sets or removes (null) the annotation that names the pool the addresses came from; returns the Service as written, if known.</summary>
    Task<V1Service?> WritePoolAnnotationAsync(V1Service service, string? pool, CancellationToken cancellationToken);

    /// <summary>Records an event on the Service.</summary>
    Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken);
}
