using System.Net;

namespace BareLb.Lab.Soak;

/// <summary>What one step did to the addresses that stayed assigned through it.</summary>
/// <param name="Action">The step.</param>
/// <param name="Gaps">Per address held before, during and after the step (and answering before it): the longest time without a reply.</param>
/// <param name="Violations">Addresses not answering again within the failover target, in words.</param>
public sealed record ActionOutcome(SoakAction Action, IReadOnlyDictionary<IPAddress, TimeSpan> Gaps, IReadOnlyList<string> Violations)
{
    /// <summary>The longest gap of any address, or null when no address was followed through the step.</summary>
    public TimeSpan? Outage => Gaps.Count == 0 ? null : Gaps.Values.Max();
}
