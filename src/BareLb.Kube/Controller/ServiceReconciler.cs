using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Kube.Services;
using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>
/// Brings one Service's addresses, status, annotation and events in line with the allocator,
/// writing only what differs, so that a resync of an unchanged cluster writes nothing. The
/// allocator has one owner: callers reconcile one Service at a time.
/// </summary>
public sealed class ServiceReconciler(AddressAllocator allocator, IServiceWriter writer, string? loadBalancerClass = null)
{
    /// <summary>The allocator this reconciler drives.</summary>
    public AddressAllocator Allocator { get; } = allocator ?? throw new ArgumentNullException(nameof(allocator));

    /// <summary>
    /// Loads the addresses a Service already shows in its status, before anything new is
    /// allocated, so that a restart never moves or steals an address. False when there was
    /// nothing to restore or it is no longer valid (the Service is then assigned afresh).
    /// </summary>
    public bool Restore(V1Service service, IReadOnlyDictionary<string, string>? namespaceLabels)
    {
        ArgumentNullException.ThrowIfNull(service);
        var shown = IngressAddresses(service);
        if (!ServiceRequestReader.IsHandled(service, loadBalancerClass) || shown.Count == 0
            || !ServiceRequestReader.TryRead(service, namespaceLabels, out var request, out _)
            || !TryParseAll(shown, out var addresses))
        {
            return false;
        }

        return Allocator.Restore(request!, addresses).Succeeded;
    }

    /// <summary>Reconciles a Service; <paramref name="service"/> is null when it was deleted.</summary>
    public async Task ReconcileAsync(ServiceKey key, V1Service? service, IReadOnlyDictionary<string, string>? namespaceLabels, CancellationToken cancellationToken)
    {
        if (service is null)
        {
            Allocator.Release(key);
            return;
        }

        if (!ServiceRequestReader.IsHandled(service, loadBalancerClass))
        {
            await ClearAsync(key, service, "the Service is no longer a LoadBalancer of this class", warn: false, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!ServiceRequestReader.TryRead(service, namespaceLabels, out var request, out var invalid))
        {
            await ClearAsync(key, service, $"{invalid}", warn: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        var result = Allocator.Assign(request!);
        if (result.Assignment is not { } assignment)
        {
            await writer.RecordEventAsync(service, "Warning", ServiceEventReasons.AllocationFailed, $"Failed to allocate IP for \"{key}\": {result.Failure!.Message}", cancellationToken).ConfigureAwait(false);
            await WriteAsync(service, [], null, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The event goes first: if it or a write fails, the retry still sees a difference and records it again.
        var addresses = assignment.Select(a => a.ToString()).ToList();
        if (result.Changed || Differs(service, addresses, assignment.Pool))
        {
            await writer.RecordEventAsync(service, "Normal", ServiceEventReasons.IPAllocated, $"Assigned IP [\"{string.Join("\", \"", addresses)}\"]", cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(service, addresses, assignment.Pool, cancellationToken).ConfigureAwait(false);
    }

    private async Task ClearAsync(ServiceKey key, V1Service service, string why, bool warn, CancellationToken cancellationToken)
    {
        var held = Allocator.Release(key);
        var wrote = Differs(service, [], null);
        if (warn)
        {
            await writer.RecordEventAsync(service, "Warning", ServiceEventReasons.AllocationFailed, $"Failed to allocate IP for \"{key}\": {why}", cancellationToken).ConfigureAwait(false);
        }
        else if (held || wrote)
        {
            await writer.RecordEventAsync(service, "Normal", ServiceEventReasons.ClearAssignment, $"Cleared the assignment: {why}", cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(service, [], null, cancellationToken).ConfigureAwait(false);
    }

    private static bool Differs(V1Service service, IReadOnlyList<string> addresses, string? pool) =>
        !IngressAddresses(service).SequenceEqual(addresses, StringComparer.Ordinal) || !string.Equals(PoolAnnotation(service), pool, StringComparison.Ordinal);

    private static string? PoolAnnotation(V1Service service)
    {
        string? current = null;
        service.Metadata?.Annotations?.TryGetValue(ServiceAnnotations.IPAllocatedFromPool, out current);
        return current;
    }

    // Writes the status and the annotation only where they differ from what is wanted.
    private async Task WriteAsync(V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken)
    {
        if (!IngressAddresses(service).SequenceEqual(addresses, StringComparer.Ordinal))
        {
            await writer.WriteIngressAsync(service, addresses, cancellationToken).ConfigureAwait(false);
        }

        if (!string.Equals(PoolAnnotation(service), pool, StringComparison.Ordinal))
        {
            await writer.WritePoolAnnotationAsync(service, pool, cancellationToken).ConfigureAwait(false);
        }
    }

    private static List<string> IngressAddresses(V1Service service) =>
        service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip).Where(ip => !string.IsNullOrEmpty(ip)).ToList() ?? [];

    private static bool TryParseAll(List<string> texts, out IReadOnlyList<IPAddr> addresses)
    {
        var parsed = new List<IPAddr>(texts.Count);
        foreach (var text in texts)
        {
            if (!IPAddr.TryParse(text, out var address))
            {
                addresses = [];
                return false;
            }

            parsed.Add(address);
        }

        addresses = parsed;
        return true;
    }
}
