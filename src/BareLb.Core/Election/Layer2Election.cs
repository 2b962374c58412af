using System.Buffers;
using System.Security.Cryptography;
using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>
/// Decides which node announces an address in Layer 2 mode, exactly as MetalLB's speaker orders its candidates
/// (<c>sortL2Candidates</c>): the highest preference weight first, then the SHA-256 digest of
/// <c>node + "#" + address</c> in ascending byte order, where the address is the Service's first one, written as Go
/// writes it. Every speaker, MetalLB's or BareLb's, evaluates it alone over the same candidates and gets the same
/// answer, so a cluster that runs both agrees on each address's announcer. A node that joins or leaves moves only
/// the addresses it wins or held. MetalLB sorts every candidate with two digests per comparison; this takes one
/// pass with one digest per node and allocates nothing.
/// </summary>
public static class Layer2Election
{
    // Kubernetes node names are DNS subdomains (at most 253 bytes); longer names take a pooled buffer.
    private const int StackKeyLength = 320;

    /// <summary>The node that announces the address, or null when there is no candidate.</summary>
    /// <param name="address">The Service's first load-balancer address (MetalLB elects once per Service, on it).</param>
    /// <param name="candidates">The nodes that may announce it, in any order.</param>
    public static NodeCandidate? Elect(IPAddr address, ReadOnlySpan<NodeCandidate> candidates)
    {
        Span<byte> addressKey = stackalloc byte[ElectionKey.MaxLength];
        addressKey = addressKey[..ElectionKey.Write(address, addressKey)];
        Span<byte> stackKey = stackalloc byte[StackKeyLength];
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> bestDigest = stackalloc byte[SHA256.HashSizeInBytes];
        byte[]? rented = null;
        NodeCandidate? best = null;
        try
        {
            foreach (var candidate in candidates)
            {
                if (best is not null && candidate.Weight < best.Weight)
                {
                    continue;
                }

                var prefix = candidate.HashPrefix;
                var keyLength = prefix.Length + addressKey.Length;
                scoped Span<byte> key;
                if (keyLength <= stackKey.Length)
                {
                    key = stackKey[..keyLength];
                }
                else
                {
                    if (rented is null || rented.Length < keyLength)
                    {
                        if (rented is not null)
                        {
                            ArrayPool<byte>.Shared.Return(rented);
                        }

                        rented = ArrayPool<byte>.Shared.Rent(keyLength);
                    }

                    key = rented.AsSpan(0, keyLength);
                }

                prefix.CopyTo(key);
                addressKey.CopyTo(key[prefix.Length..]);
                SHA256.HashData(key, digest);
                if (best is null || candidate.Weight > best.Weight || digest.SequenceCompareTo(bestDigest) < 0)
                {
                    best = candidate;
                    digest.CopyTo(bestDigest);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
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

    /// <summary>All candidates in MetalLB's order of preference for the address (the first is elected): for diagnostics.</summary>
    public static IReadOnlyList<NodeCandidate> Rank(IPAddr address, IEnumerable<NodeCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        Span<byte> addressKey = stackalloc byte[ElectionKey.MaxLength];
        addressKey = addressKey[..ElectionKey.Write(address, addressKey)];
        var ranked = new List<(NodeCandidate Candidate, byte[] Digest)>();
        foreach (var candidate in candidates)
        {
            var key = new byte[candidate.HashPrefix.Length + addressKey.Length];
            candidate.HashPrefix.CopyTo(key, 0);
            addressKey.CopyTo(key.AsSpan(candidate.HashPrefix.Length));
            ranked.Add((candidate, SHA256.HashData(key)));
        }

        ranked.Sort(static (x, y) => x.Candidate.Weight != y.Candidate.Weight
            ? y.Candidate.Weight.CompareTo(x.Candidate.Weight)
            : x.Digest.AsSpan().SequenceCompareTo(y.Digest));
        return [.. ranked.Select(x => x.Candidate)];
    }
}
