using BareLb.Core.Addresses;

namespace BareLb.Kube.Configuration;

/// <summary>
/// MetalLB's rule for BGP aggregation: every CIDR of a pool (a range counts as the CIDRs it splits into) must
/// be no more specific than the aggregation length, or the aggregated route would claim addresses outside it.
/// </summary>
internal static class AggregationCheck
{
    /// <summary>The most specific CIDR in <paramref name="range"/>'s split into CIDRs, as (prefix length, CIDR text).</summary>
    public static (int Length, string Cidr) MostSpecificBlock(IPRange range)
    {
        var bits = IPAddr.BitLengthOf(range.Family);
        var current = range.First.Value;
        var last = range.Last.Value;
        var best = (Length: -1, Cidr: "");
        while (true)
        {
            // The largest aligned block starting at current that does not pass last.
            var size = bits;
            while (size > 0)
            {
                var blockBits = bits - size + 1;
                var mask = blockBits >= 128 ? UInt128.MaxValue : (UInt128.One << blockBits) - 1;
                if ((current & mask) != 0 || current + mask > last || current + mask < current)
                {
                    break;
                }

                size--;
            }

            if (size > best.Length)
            {
                best = (size, $"{IPAddr.FromValue(range.Family, current)}/{size}");
            }

            var hostBits = bits - size;
            var end = current + (hostBits >= 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1);
            if (end >= last)
            {
                return best;
            }

            current = end + 1;
        }
    }

    /// <summary>Why the pool's addresses cannot be aggregated to the lengths, or null when they can.</summary>
    public static string? Check(string poolName, IEnumerable<string> addresses, int lengthV4, int lengthV6)
    {
        foreach (var text in addresses)
        {
            if (!IPRange.TryParse(text, out var range))
            {
                continue;
            }

            var limit = range.Family == IPFamily.IPv4 ? lengthV4 : lengthV6;
            var (length, cidr) = MostSpecificBlock(range);
            if (length > limit)
            {
                var field = range.Family == IPFamily.IPv4 ? "aggregationLength" : "aggregationLengthV6";
                return $"{field} {limit} is shorter than {cidr} (from {text} of pool {poolName}): the aggregated route would announce addresses outside the pool";
            }
        }

        return null;
    }
}
