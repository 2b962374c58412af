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
internal sealed class ServiceReconciler(AddressAllocator allocator, IServiceWriter writer, string? loadBalancerClass = null)
{
    // Events decided on but not yet recorded, by Service: kept until the API server took them. Concurrent,
    // because the writes of different Services may finish on other threads (see the class remarks).
    private readonly ConcurrentDictionary<ServiceKey, OwedEvents> _owed = new();

    // The last AllocationFailed message recorded per Service, so that retries that fail the same way add no event.
    private readonly ConcurrentDictionary<ServiceKey, string> _failures = new();

    // The addresses a ClearAssignment event was owed for, per Service, so that a status not yet seen cleared
    // (the watch lags behind our own writes) is not reported twice.
    private readonly ConcurrentDictionary<ServiceKey, string> _cleared = new();

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
            _failures.TryRemove(key, out _);
            _cleared.TryRemove(key, out _);
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

        // The Service shows addresses the allocator does not hold for it: a configuration change took them away
        // (or they were not valid to restore). Say so before saying what happens instead, as MetalLB does.
        var shown = IngressAddresses(service);
        var shownText = string.Join("\", \"", shown);
        var lost = shown.Count > 0 && Allocator.GetAssignment(key) is null && !(_cleared.TryGetValue(key, out var reported) && reported == shownText)
            ? new OwedEvent("Normal", ServiceEventReasons.ClearAssignment, $"current IP for \"{key}\" not allowed by config, will attempt for new IP assignment: [\"{shownText}\"]")
            : null;
        if (lost is not null)
        {
            _cleared[key] = shownText;
        }

        var result = Allocator.Assign(request!);
        if (result.Assignment is not { } assignment)
        {
            var message = $"Failed to allocate IP for \"{key}\": {result.Failure!.Message}";
            Owe(key, lost, Failure(key, message));
            await WriteAsync(key, service, [], null, cancellationToken).ConfigureAwait(false);
            return;
        }

        _failures.TryRemove(key, out _);
        _cleared.TryRemove(key, out _);
        var addresses = assignment.Select(a => a.ToString()).ToList();
        var changed = result.Changed && !shown.SequenceEqual(addresses, StringComparer.Ordinal);
        Owe(key, changed ? lost : null, changed ? new OwedEvent("Normal", ServiceEventReasons.IPAllocated, $"Assigned IP [\"{string.Join("\", \"", addresses)}\"]") : null);
        await WriteAsync(key, service, addresses, assignment.Pool, cancellationToken).ConfigureAwait(false);
    }

    private async Task ClearAsync(ServiceKey key, V1Service service, string why, bool warn, CancellationToken cancellationToken)
    {
        var held = Allocator.Release(key);
        if (warn)
        {
            Owe(key, null, Failure(key, $"Failed to allocate IP for \"{key}\": {why}"));
        }
        else if (held)
        {
            _failures.TryRemove(key, out _);
            Owe(key, null, new OwedEvent("Normal", ServiceEventReasons.ClearAssignment, $"Cleared the assignment: {why}"));
        }

        await WriteAsync(key, service, [], null, cancellationToken).ConfigureAwait(false);
    }

    // An AllocationFailed event, unless the last one recorded for the Service said the same.
    private OwedEvent? Failure(ServiceKey key, string message) =>
        _failures.TryGetValue(key, out var last) && string.Equals(last, message, StringComparison.Ordinal)
            ? null
            : new OwedEvent("Warning", ServiceEventReasons.AllocationFailed, message);

    // Adds events to what the Service is owed (events not yet recorded stay owed, in order).
    private void Owe(ServiceKey key, OwedEvent? first, OwedEvent? second)
    {
        if (first is null && second is null)
        {
            return;
        }

        OwedEvent[] more = first is null ? [second!] : second is null ? [first] : [first, second];
        _owed.AddOrUpdate(key, _ => new OwedEvents(more), (_, owed) => new OwedEvents([.. owed.Events, .. more]));
    }

    private static string? PoolAnnotation(V1Service service)
    {
        string? current = null;
        service.Metadata?.Annotations?.TryGetValue(ServiceAnnotations.IPAllocatedFromPool, out current);
        return current;
    }

    // Records the events the Service is owed and writes the status and the annotation where they differ
    // from what is wanted, at once: they are independent, so one round trip instead of two.
    // Events stay owed until recorded, so a retry after any failure records them again.
    private async Task WriteAsync(ServiceKey key, V1Service service, IReadOnlyList<string> addresses, string? pool, CancellationToken cancellationToken)
    {
        var writes = new List<Task>(3);
        var owed = _owed.GetValueOrDefault(key);
        var recorded = owed is null ? null : RecordAsync(service, owed.Events, cancellationToken);
        if (recorded is not null)
        {
            writes.Add(recorded);
        }

        if (!IngressAddresses(service).SequenceEqual(addresses, StringComparer.Ordinal) || !string.Equals(PoolAnnotation(service), pool, StringComparison.Ordinal))
        {
            // The ingress and the annotation in one update of the status subresource, as MetalLB writes them.
            writes.Add(writer.WriteStatusAsync(service, addresses, pool, cancellationToken));
        }

        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        finally
        {
            if (recorded is { IsCompletedSuccessfully: true })
            {
                _owed.TryRemove(KeyValuePair.Create(key, owed!)); // only if no newer event was added meanwhile
                foreach (var e in owed!.Events.Where(e => e.Reason == ServiceEventReasons.AllocationFailed))
                {
                    _failures[key] = e.Message;
                }
            }
        }
    }

    private async Task RecordAsync(V1Service service, IReadOnlyList<OwedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await writer.RecordEventAsync(service, e.Type, e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
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

    private sealed record OwedEvents(IReadOnlyList<OwedEvent> Events);
}
