using BareLb.Core.Allocation;

namespace BareLb.Kube.Controller;

/// <summary>
/// What <see cref="ServiceDecider"/> decided for one Service, and which writes carry it out: the events it is owed
/// (earlier ones not yet recorded first), and whether its status and its pool annotation differ from what is wanted.
/// </summary>
/// <param name="Key">The Service.</param>
/// <param name="Service">The Service as the cache showed it, or null when it was deleted (then there is nothing to write).</param>
/// <param name="Addresses">The addresses it should show in <c>status.loadBalancer.ingress</c> (empty: none).</param>
/// <param name="Pool">The pool its addresses come from, or null.</param>
/// <param name="Events">The events to record, in order.</param>
/// <param name="WriteStatus">Whether the status must be written.</param>
/// <param name="WritePoolAnnotation">Whether the pool annotation must be written.</param>
internal sealed record ServiceDecision(
    ServiceKey Key,
    k8s.Models.V1Service? Service,
    IReadOnlyList<string> Addresses,
    string? Pool,
    IReadOnlyList<ServiceEvent> Events,
    bool WriteStatus,
    bool WritePoolAnnotation)
{
    /// <summary>Whether carrying the decision out takes any request.</summary>
    public bool HasWrites => Service is not null && (Events.Count > 0 || WriteStatus || WritePoolAnnotation);
}
