using BareLb.Core.Addresses;

namespace BareLb.Kube.Configuration;

/// <summary>
/// MetalLB's rule for BGP aggregation: for each entry of a pool's addresses, the aggregation length may not be
/// shorter than the entry's widest CIDR (a range counts as the CIDRs it splits into). A range's narrower ends may
/// then be aggregated into routes that cover a few addresses outside it: MetalLB allows that on purpose (#1130).
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

    /// <summary>The widest CIDR in <paramref name="range"/>'s split into CIDRs, as (prefix length, CIDR text).</summary>
    public static (int Length, string Cidr) WidestBlock(IPRange range)
    {
        var bits = IPAddr.BitLengthOf(range.Family);
        var current = range.First.Value;
        var last = range.Last.Value;
        var best = (Length: int.MaxValue, Cidr: "");
        while (true)
        {
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

            if (size < best.Length)
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
            var (length, cidr) = WidestBlock(range);
            if (length > limit)
            {
                var field = range.Family == IPFamily.IPv4 ? "aggregationLength" : "aggregationLengthV6";
                var from = text.Contains('-', StringComparison.Ordinal) ? $"{cidr}, the widest CIDR of {text.Trim()}" : text.Trim();
                return $"{field} {limit} is shorter than /{length} ({from} in pool {poolName}): the aggregated route would announce addresses outside the pool; use at least /{length}";
            }
        }

        return null;
    }
}
