using System.Globalization;
using System.Net;

namespace BareLb.Lab.Soak;

/// <summary>
/// Follows which addresses are assigned (from the Services' status, polled) and checks, with the
/// client's probes, that every address held through a step answers again within the failover
/// target, and that every new address answers within the appearance limit.
/// </summary>
internal sealed class ReachabilityTracker
{
    private readonly List<Assignment> _assignments = [];
    private readonly TimeSpan _failoverTarget;
    private readonly TimeSpan _appearanceLimit;
    private readonly TimeSpan _lead;

    /// <param name="failoverTarget">The longest a held address may go without answering after a step.</param>
    /// <param name="appearanceLimit">The longest a new address may take to answer for the first time.</param>
    /// <param name="lead">How long before a step an address must already be held and answering to be followed through it.</param>
    public ReachabilityTracker(TimeSpan failoverTarget, TimeSpan appearanceLimit, TimeSpan lead)
    {
        _failoverTarget = failoverTarget;
        _appearanceLimit = appearanceLimit;
        _lead = lead;
    }

    /// <summary>Every assignment seen so far.</summary>
    public IReadOnlyList<Assignment> Assignments => _assignments;

    /// <summary>The addresses held now.</summary>
    public IReadOnlyList<IPAddress> Current => [.. _assignments.Where(a => a.To is null).Select(a => a.Address).Distinct()];

    /// <summary>
    /// Records what the Services' status shows at <paramref name="now"/> (address to Service): new
    /// holdings begin, vanished or changed ones end. <paramref name="cause"/> is when the latest step began.
    /// </summary>
    public void Observe(IReadOnlyDictionary<IPAddress, string> assigned, DateTimeOffset now, DateTimeOffset? cause)
    {
        ArgumentNullException.ThrowIfNull(assigned);
        foreach (var open in _assignments.Where(a => a.To is null))
        {
            if (!assigned.TryGetValue(open.Address, out var service) || !string.Equals(service, open.Service, StringComparison.Ordinal))
            {
                open.To = now;
            }
        }

        foreach (var (address, service) in assigned)
        {
            if (!_assignments.Any(a => a.To is null && a.Address.Equals(address)))
            {
                _assignments.Add(new Assignment(address, service, now, cause is { } c && c <= now ? c : now));
            }
        }
    }

    /// <summary>
    /// The outage of a step: for every address held from <see cref="_lead"/> before it until
    /// <paramref name="observedUntil"/> and answering just before it, the longest gap between replies
    /// from the step's start to <paramref name="observedUntil"/>; a gap over the failover target is a violation.
    /// </summary>
    public ActionOutcome Evaluate(SoakAction action, DateTimeOffset observedUntil, IProbeHistory probes)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(probes);
        var gaps = new Dictionary<IPAddress, TimeSpan>();
        var violations = new List<string>();
        foreach (var held in _assignments.Where(a => a.Covers(action.Start - _lead, observedUntil)))
        {
            if (probes.Report(held.Address, action.Start - _lead, action.Start) is not { Replies: > 0 }
                || probes.Report(held.Address, action.Start, observedUntil) is not { } during)
            {
                continue;
            }

            gaps[held.Address] = during.LongestGap;
            if (during.LongestGap > _failoverTarget)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{held.Address} ({held.Service}) did not answer for {during.LongestGap.TotalMilliseconds:0} ms from {during.GapStart:HH:mm:ss.fff} after step {action.Number} ({action.Description}); the target is {_failoverTarget.TotalMilliseconds:0} ms"));
            }
        }

        return new ActionOutcome(action, gaps, violations);
    }

    /// <summary>
    /// How long each assignment took to answer for the first time (from its cause); the ones that
    /// did not within the appearance limit although held that long are violations. Assignments
    /// younger than the limit at <paramref name="now"/> and still silent are left out.
    /// </summary>
    public (IReadOnlyList<TimeSpan> Latencies, IReadOnlyList<string> Violations) Appearances(IProbeHistory probes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var latencies = new List<TimeSpan>();
        var violations = new List<string>();
        foreach (var held in _assignments)
        {
            var end = held.To ?? now;
            var limit = held.Cause + _appearanceLimit;
            var report = probes.Report(held.Address, held.From, end < limit ? end : limit);
            var first = report?.Timeline.IndexOf('|', StringComparison.Ordinal) ?? -1;
            if (first >= 0)
            {
                latencies.Add(held.From + (TimeSpan.FromMilliseconds(10) * first) - held.Cause);
            }
            else if (end >= limit)
            {
                violations.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{held.Address} ({held.Service}) assigned at {held.From:HH:mm:ss.fff} never answered within {_appearanceLimit.TotalSeconds:0.#} s"));
            }
        }

        return (latencies, violations);
    }
}
