using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>What the Service reconciler writes to the API server.</summary>
internal interface IServiceWriter
{
    /// <summary>
    /// Sets <c>status.loadBalancer.ingress</c> (empty to clear) and the annotation that names the pool the addresses
    /// came from (null to remove it) in one write of the status subresource, as MetalLB does (the status subresource
    /// keeps the annotations of what is written); returns the Service as written, if known.
    /// </summary>
    Task<V1Service?> WriteStatusAsync(V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken);

    /// <summary>Records an event on the Service.</summary>
    Task RecordEventAsync(V1Service service, string type, string reason, string message, CancellationToken cancellationToken);
}
