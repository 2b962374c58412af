using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>
/// Decides which node announces an address in Layer 2 mode. Every speaker evaluates it alone over
/// the same candidates and gets the same answer: the highest preference weight wins, then the
/// highest rendezvous (highest-random-weight) score of node and address, then the lowest name.
/// Because each node's score depends only on itself and the address, a node that joins or leaves
/// moves only the addresses it wins or held. O(nodes) per address, no allocation.
/// </summary>
public static class Layer2Election
{
    /// <summary>The node that announces the address, or null when there is no candidate.</summary>
    public static NodeCandidate? Elect(IPAddr address, ReadOnlySpan<NodeCandidate> candidates)
    {
        var addressHash = StableHash.Of(address);
        NodeCandidate? best = null;
        ulong bestScore = 0;
        foreach (var candidate in candidates)
        {
            var score = StableHash.Mix(candidate.NameHash ^ addressHash);
            if (best is null || Beats(candidate, score, best, bestScore))
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>The node that announces the address, or null when there is no candidate.</summary>
    public static NodeCandidate? Elect(IPAddr address, IReadOnlyList<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        return candidates is NodeCandidate[] array ? Elect(address, array.AsSpan()) : Elect(address, candidates.ToArray().AsSpan());
    }

    /// <summary>Whether this node announces the address.</summary>
    public static bool IsElected(string nodeName, IPAddr address, ReadOnlySpan<NodeCandidate> candidates) =>
        Elect(address, candidates) is { } winner && string.Equals(winner.Name, nodeName, StringComparison.Ordinal);

    /// <summary>All candidates in order of preference for the address (the first is elected): for diagnostics.</summary>
    public static IReadOnlyList<NodeCandidate> Rank(IPAddr address, IEnumerable<NodeCandidate> candidates)
    {
        var addressHash = StableHash.Of(address);
        return [.. candidates
            .Select(c => (Candidate: c, Score: StableHash.Mix(c.NameHash ^ addressHash)))
            .OrderByDescending(x => x.Candidate.Weight)
            .ThenByDescending(x => x.Score)
            .ThenBy(x => x.Candidate.Name, StringComparer.Ordinal)
            .Select(x => x.Candidate)];
    }

    private static bool Beats(NodeCandidate candidate, ulong score, NodeCandidate best, ulong bestScore)
    {
        if (candidate.Weight != best.Weight)
        {
            return candidate.Weight > best.Weight;
        }

        if (score != bestScore)
        {
            return score > bestScore;
        }

        return string.CompareOrdinal(candidate.Name, best.Name) < 0;
    }
}
