using BareLb.Core.Allocation;
using k8s.Models;

namespace BareLb.Kube.Controller;

/// <summary>
/// Brings one Service's addresses, status, annotation and events in line with the allocator,
/// writing only what differs, so that a resync of an unchanged cluster writes nothing. The event,
/// the status and the annotation of one Service are written concurrently.
/// </summary>
/// <remarks>
/// Two steps: a synchronous decision (<see cref="Decide"/>, the only code that touches the allocator,
/// which has one owner) and the asynchronous writes that carry it out (<see cref="CarryOutAsync"/>). A
/// caller on one thread may decide for the next Service while earlier Services' writes are still in
/// flight, as long as it never has two decisions of the same Service in flight at once.
/// </remarks>
public sealed class ServiceReconciler
{
    private readonly ServiceDecider _decider;
    private readonly IServiceWriter _writer;

    /// <summary>A reconciler that drives <paramref name="allocator"/> and writes through <paramref name="writer"/>, for Services of <paramref name="loadBalancerClass"/> (null: those with none).</summary>
    public ServiceReconciler(AddressAllocator allocator, IServiceWriter writer, string? loadBalancerClass = null)
    {
        _decider = new ServiceDecider(allocator, loadBalancerClass);
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
    }

    /// <summary>The allocator this reconciler drives.</summary>
    public AddressAllocator Allocator => _decider.Allocator;

    /// <summary>
    /// Loads the addresses a Service already shows in its status, before anything new is
    /// allocated, so that a restart never moves or steals an address. False when there was
    /// nothing to restore or it is no longer valid (the Service is then assigned afresh).
    /// </summary>
    public bool Restore(V1Service service, IReadOnlyDictionary<string, string>? namespaceLabels) => _decider.Restore(service, namespaceLabels);

    /// <summary>Reconciles a Service: decides, then writes; <paramref name="service"/> is null when it was deleted.</summary>
    public Task ReconcileAsync(ServiceKey key, V1Service? service, IReadOnlyDictionary<string, string>? namespaceLabels, CancellationToken cancellationToken) =>
        CarryOutAsync(Decide(key, service, namespaceLabels), cancellationToken);

    /// <summary>Decides what a Service should show, synchronously, without I/O.</summary>
    internal ServiceDecision Decide(ServiceKey key, V1Service? service, IReadOnlyDictionary<string, string>? namespaceLabels) =>
        _decider.Decide(key, service, namespaceLabels);

    /// <summary>
    /// Records the events a decision owes and writes the status and the annotation where they differ from what is
    /// wanted, all at once: they are independent, so one round trip instead of three. Events stay owed until
    /// recorded, so a retry after any failure records them again.
    /// </summary>
    internal async Task CarryOutAsync(ServiceDecision decision, CancellationToken cancellationToken)
    {
        if (!decision.HasWrites)
        {
            return;
        }

        var service = decision.Service!;
        var writes = new List<Task>(3);
        var recorded = decision.Events.Count == 0 ? null : RecordAsync(service, decision.Events, cancellationToken);
        if (recorded is not null)
        {
            writes.Add(recorded);
        }

        var status = decision.WriteStatus ? _writer.WriteIngressAsync(service, decision.Addresses, cancellationToken) : null;
        if (status is not null)
        {
            writes.Add(status);
        }

        var annotation = decision.WritePoolAnnotation ? _writer.WritePoolAnnotationAsync(service, decision.Pool, cancellationToken) : null;
        if (annotation is not null)
        {
            writes.Add(annotation);
        }

        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
            if (status is not null || annotation is not null)
            {
                _decider.Written(decision, [status?.Result, annotation?.Result]);
            }
        }
        finally
        {
            if (recorded is { IsCompletedSuccessfully: true })
            {
                _decider.Recorded(decision);
            }
        }
    }

    private async Task RecordAsync(V1Service service, IReadOnlyList<ServiceEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await _writer.RecordEventAsync(service, e.Type, e.Reason, e.Message, cancellationToken).ConfigureAwait(false);
        }
    }
}
