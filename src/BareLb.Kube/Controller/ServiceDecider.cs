using System.Collections.Concurrent;
using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Kube.Services;
using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>
/// Decides what one Service should show (addresses, pool, events) from the allocator and the Service as the cache
/// shows it. Synchronous and free of I/O: the only code that touches the allocator, so it has one owner (the
/// controller's worker); the writes that carry a decision out (<see cref="ServiceReconciler.CarryOutAsync"/>)
/// report back through <see cref="Recorded"/> and <see cref="Written"/>, possibly on other threads.
/// </summary>
internal sealed class ServiceDecider(AddressAllocator allocator, string? loadBalancerClass = null)
{
    // Events decided on but not yet recorded, by Service: kept until the API server took them. Concurrent,
    // because the writes of different Services finish on other threads.
    private readonly ConcurrentDictionary<ServiceKey, IReadOnlyList<ServiceEvent>> _owed = new();

    // The last AllocationFailed message recorded per Service, so that retries that fail the same way add no event.
    private readonly ConcurrentDictionary<ServiceKey, string> _failures = new();

    // The addresses a ClearAssignment event was owed for, per Service, so that a status not yet seen cleared
    // (the watch lags behind our own writes) is not reported twice.
    private readonly ConcurrentDictionary<ServiceKey, string> _cleared = new();

    // Per Service, the resourceVersions our own concurrent writes produced on the way to the final one: the
    // status and the annotation are two writes, so the watch shows a version with one and not yet the other.
    // Seeing such a version again is no reason to write again.
    private readonly ConcurrentDictionary<ServiceKey, string[]> _superseded = new();

    /// <summary>The allocator the decisions drive.</summary>
    public AddressAllocator Allocator { get; } = allocator ?? throw new ArgumentNullException(nameof(allocator));

    /// <summary>
    /// Loads the addresses a Service already shows in its status, before anything new is allocated, so that a
    /// restart never moves or steals an address. False when there was nothing to restore or it is no longer valid.
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

    /// <summary>Decides what a Service should show; <paramref name="service"/> is null when it was deleted.</summary>
    public ServiceDecision Decide(ServiceKey key, V1Service? service, IReadOnlyDictionary<string, string>? namespaceLabels)
    {
        if (service is null)
        {
            Allocator.Release(key);
            _owed.TryRemove(key, out _);
            _failures.TryRemove(key, out _);
            _cleared.TryRemove(key, out _);
            _superseded.TryRemove(key, out _);
            return new ServiceDecision(key, null, [], null, [], false, false);
        }

        if (!ServiceRequestReader.IsHandled(service, loadBalancerClass))
        {
            return Clear(key, service, "the Service is no longer a LoadBalancer of this class", warn: false);
        }

        if (!ServiceRequestReader.TryRead(service, namespaceLabels, out var request, out var invalid))
        {
            return Clear(key, service, $"{invalid}", warn: true);
        }

        // The Service shows addresses the allocator does not hold for it: a configuration change took them away
        // (or they were not valid to restore). Say so before saying what happens instead, as MetalLB does.
        var shown = IngressAddresses(service);
        var shownText = string.Join("\", \"", shown);
        var lost = shown.Count > 0 && Allocator.GetAssignment(key) is null && !(_cleared.TryGetValue(key, out var reported) && reported == shownText)
            ? new ServiceEvent("Normal", ServiceEventReasons.ClearAssignment, $"current IP for \"{key}\" not allowed by config, will attempt for new IP assignment: [\"{shownText}\"]")
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
            return Writes(key, service, [], null);
        }

        _failures.TryRemove(key, out _);
        _cleared.TryRemove(key, out _);
        var addresses = assignment.Select(a => a.ToString()).ToList();
        var changed = result.Changed && !shown.SequenceEqual(addresses, StringComparer.Ordinal);
        Owe(key, changed ? lost : null, changed ? new ServiceEvent("Normal", ServiceEventReasons.IPAllocated, $"Assigned IP [\"{string.Join("\", \"", addresses)}\"]") : null);
        return Writes(key, service, addresses, assignment.Pool);
    }

    /// <summary>The events of <paramref name="decision"/> were recorded: they are no longer owed (unless newer ones were added meanwhile).</summary>
    public void Recorded(ServiceDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Events.Count == 0)
        {
            return;
        }

        _owed.TryRemove(KeyValuePair.Create(decision.Key, decision.Events)); // only if no newer event was added meanwhile
        foreach (var e in decision.Events.Where(e => e.Reason == ServiceEventReasons.AllocationFailed))
        {
            _failures[decision.Key] = e.Message;
        }
    }

    /// <summary>
    /// The status or annotation writes of <paramref name="decision"/> finished, returning these Services (null when
    /// not known): a returned version that lacks part of what was wanted came before the other write, and is no
    /// reason to write again when the watch shows it.
    /// </summary>
    public void Written(ServiceDecision decision, IEnumerable<V1Service?> results)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(results);
        string[] intermediate = [.. results
            .Where(s => s?.Metadata?.ResourceVersion is not null && !(IngressAddresses(s).SequenceEqual(decision.Addresses, StringComparer.Ordinal) && string.Equals(PoolAnnotation(s), decision.Pool, StringComparison.Ordinal)))
            .Select(s => s!.Metadata.ResourceVersion)];
        if (intermediate.Length > 0)
        {
            _superseded[decision.Key] = intermediate;
        }
        else
        {
            _superseded.TryRemove(decision.Key, out _); // a settled Service costs no entry
        }
    }

    private ServiceDecision Clear(ServiceKey key, V1Service service, string why, bool warn)
    {
        var held = Allocator.Release(key);
        if (warn)
        {
            Owe(key, null, Failure(key, $"Failed to allocate IP for \"{key}\": {why}"));
        }
        else if (held)
        {
            _failures.TryRemove(key, out _);
            Owe(key, null, new ServiceEvent("Normal", ServiceEventReasons.ClearAssignment, $"Cleared the assignment: {why}"));
        }

        return Writes(key, service, [], null);
    }

    // The writes that bring the Service to the decided addresses and pool: what differs, plus every owed event.
    private ServiceDecision Writes(ServiceKey key, V1Service service, IReadOnlyList<string> addresses, string? pool)
    {
        var superseded = _superseded.TryGetValue(key, out var versions) && versions.Contains(service.Metadata?.ResourceVersion, StringComparer.Ordinal);
        return new ServiceDecision(
            key,
            service,
            addresses,
            pool,
            _owed.GetValueOrDefault(key) ?? [],
            WriteStatus: !superseded && !IngressAddresses(service).SequenceEqual(addresses, StringComparer.Ordinal),
            WritePoolAnnotation: !superseded && !string.Equals(PoolAnnotation(service), pool, StringComparison.Ordinal));
    }

    // An AllocationFailed event, unless the last one recorded for the Service said the same.
    private ServiceEvent? Failure(ServiceKey key, string message) =>
        _failures.TryGetValue(key, out var last) && string.Equals(last, message, StringComparison.Ordinal)
            ? null
            : new ServiceEvent("Warning", ServiceEventReasons.AllocationFailed, message);

    // Adds events to what the Service is owed (events not yet recorded stay owed, in order).
    private void Owe(ServiceKey key, ServiceEvent? first, ServiceEvent? second)
    {
        if (first is null && second is null)
        {
            return;
        }

        ServiceEvent[] more = first is null ? [second!] : second is null ? [first] : [first, second];
        _owed.AddOrUpdate(key, _ => more, (_, owed) => [.. owed, .. more]);
    }

    private static string? PoolAnnotation(V1Service service)
    {
        string? current = null;
        service.Metadata?.Annotations?.TryGetValue(ServiceAnnotations.IPAllocatedFromPool, out current);
        return current;
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
