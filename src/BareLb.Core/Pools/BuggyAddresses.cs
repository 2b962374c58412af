using BareLb.Core.Addresses;

namespace BareLb.Core.Pools;

/// <summary>IPv4 addresses ending in .0 or .255, which some old firmware mistakes for network or broadcast addresses.</summary>
internal static class BuggyAddresses
{
    public static bool IsBuggy(IPAddr address) => address.IsIPv4 && (byte)address.Value is 0 or 255;

    /// <summary>How many addresses of the range end in .0 or .255 (0 for IPv6), by arithmetic.</summary>
    public static UInt128 CountIn(IPRange range)
    {
        if (range.Family != IPFamily.IPv4)
        {
            return 0;
        }

        var first = (ulong)range.First.Value;
        var last = (ulong)range.Last.Value;
        return CountEndingIn(first, last, 0) + CountEndingIn(first, last, 255);
    }

    // Values v in [first, last] with v % 256 == residue.
    private static ulong CountEndingIn(ulong first, ulong last, ulong residue) => UpTo(last, residue) - (first == 0 ? 0 : UpTo(first - 1, residue));

    // Values v in [0, n] with v % 256 == residue.
    private static ulong UpTo(ulong n, ulong residue) => n < residue ? 0 : ((n - residue) / 256) + 1;
}
