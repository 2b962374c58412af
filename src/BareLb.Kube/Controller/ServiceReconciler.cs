using System.Collections.Concurrent;
using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Kube.Services;
using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>
/// Brings one Service's addresses, status, annotation and events in line with the allocator,
/// writing only what differs, so that a resync of an unchanged cluster writes nothing. The event,
/// the status and the annotation of one Service are written concurrently.
/// </summary>
/// <remarks>
/// The allocator has one owner. Every allocator decision of <see cref="ReconcileAsync"/> is made
/// synchronously, before the returned task first waits; only the writes are asynchronous. So a
/// caller on one thread may start the next Service's reconcile while earlier Services' writes are
/// still in flight, as long as it never reconciles the same Service twice at once.
/// </remarks>
public sealed class ServiceReconciler(AddressAllocator allocator, IServiceWriter writer, string? loadBalancerClass = null)
{
    // Events decided on but not yet recorded, by Service: kept until the API server took them. Concurrent,
    // because the writes of different Services may finish on other threads (see the class remarks).
    private readonly ConcurrentDictionary<ServiceKey, OwedEvent> _owed = new();

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
            _owed.TryRemove(key, out _);
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
            _owed[key] = new OwedEvent("Warning", ServiceEventReasons.AllocationFailed, $"Failed to allocate IP for \"{key}\": {result.Failure!.Message}");
            await WriteAsync(key, service, [], null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var addresses = assignment.Select(a => a.ToString()).ToList();
        if (result.Changed || Differs(service, addresses, assignment.Pool))
        {
            _owed[key] = new OwedEvent("Normal", ServiceEventReasons.IPAllocated, $"Assigned IP [\"{string.Join("\", \"", addresses)}\"]");
        }

        await WriteAsync(key, service, addresses, assignment.Pool, cancellationToken).ConfigureAwait(false);
    }

    private async Task ClearAsync(ServiceKey key, V1Service service, string why, bool warn, CancellationToken cancellationToken)
    {
        var held = Allocator.Release(key);
        if (warn)
        {
            _owed[key] = new OwedEvent("Warning", ServiceEventReasons.AllocationFailed, $"Failed to allocate IP for \"{key}\": {why}");
        }
        else if (held || Differs(service, [], null))
        {
            _owed[key] = new OwedEvent("Normal", ServiceEventReasons.ClearAssignment, $"Cleared the assignment: {why}");
        }

        await WriteAsync(key, service, [], null, cancellationToken).ConfigureAwait(false);
    }

    private static bool Differs(V1Service service, IReadOnlyList<string> addresses, string? pool) =>
        !IngressAddresses(service).SequenceEqual(addresses, StringComparer.Ordinal) || !string.Equals(PoolAnnotation(service), pool, StringComparison.Ordinal);

    private static string? PoolAnnotation(V1Service service)
    {
        string? current = null;
        service.Metadata?.Annotations?.TryGetValue(ServiceAnnotations.IPAllocatedFromPool, out current);
        return current;
    }

    // Records the event the Service is owed and writes the status and the annotation where they differ
    // from what is wanted, all three at once: they are independent, so one round trip instead of three.
    // An event stays owed until it is recorded, so a retry after any failure records it again.
    private async Task WriteAsync(ServiceKey key, V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken)
    {
        var writes = new List<Task>(3);
        var owed = _owed.GetValueOrDefault(key);
        var recorded = owed is null ? null : writer.RecordEventAsync(service, owed.Type, owed.Reason, owed.Message, cancellationToken);
        if (recorded is not null)
        {
            writes.Add(recorded);
        }

        if (!IngressAddresses(service).SequenceEqual(addresses, StringComparer.Ordinal))
        {
            writes.Add(writer.WriteIngressAsync(service, addresses, cancellationToken));
        }

        if (!string.Equals(PoolAnnotation(service), pool, StringComparison.Ordinal))
        {
            writes.Add(writer.WritePoolAnnotationAsync(service, pool, cancellationToken));
        }

        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        finally
        {
            if (recorded is { IsCompletedSuccessfully: true })
            {
                _owed.TryRemove(KeyValuePair.Create(key, owed!)); // only if no newer event replaced it
            }
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

    private sealed record OwedEvent(string Type, string Reason, string Message);
}
