using BareLb.Core.Addresses;
using BareLb.Core.Election;

namespace BareLb.Speaker.Standalone.Failover;

/// <summary>
/// Which appliance announces each address: Core's election (MetalLB's order, every candidate
/// weighted 0) among the live members, each address on its own. Every appliance computes it alone
/// from the same live set and the same addresses, and they agree.
/// </summary>
internal static class AddressElection
{
    /// <summary>The winner of each address among <paramref name="liveMembers"/>; an address has no winner when there is no member.</summary>
    public static IReadOnlyDictionary<IPAddr, string> Winners(IEnumerable<string> liveMembers, IEnumerable<IPAddr> addresses)
    {
        ArgumentNullException.ThrowIfNull(liveMembers);
        ArgumentNullException.ThrowIfNull(addresses);
        var candidates = liveMembers.Distinct(StringComparer.Ordinal).Select(static name => new NodeCandidate(name)).ToArray();
        var winners = new Dictionary<IPAddr, string>();
        foreach (var address in addresses)
        {
            if (Layer2Election.Elect(address, candidates.AsSpan()) is { } winner)
            {
                winners[address] = winner.Name;
            }
        }

        return winners;
    }

    /// <summary>The addresses <paramref name="self"/> announces when <paramref name="liveMembers"/> are live.</summary>
    public static IReadOnlySet<IPAddr> Owned(string self, IEnumerable<string> liveMembers, IEnumerable<IPAddr> addresses)
        => Winners(liveMembers, addresses).Where(w => string.Equals(w.Value, self, StringComparison.Ordinal)).Select(static w => w.Key).ToHashSet();
}
