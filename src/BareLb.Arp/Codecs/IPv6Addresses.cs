namespace BareLb.Arp.Codecs;

/// <summary>Well-known IPv6 addresses and tests used by Neighbor Discovery (RFC 4861, 4291).</summary>
internal static class IPv6Addresses
{
    /// <summary>ff02::1, all nodes on the link.</summary>
    public static readonly UInt128 AllNodes = new(0xFF02_0000_0000_0000UL, 1UL);

    private static readonly UInt128 SolicitedNodePrefix = new(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL);

    public static bool IsMulticast(UInt128 address) => (byte)(address >> 120) == 0xFF;

    /// <summary>The solicited-node multicast address ff02::1:ffXX:XXXX of an address.</summary>
    public static UInt128 SolicitedNode(UInt128 address) => SolicitedNodePrefix | (address & 0xFF_FFFF);

    public static bool IsSolicitedNode(UInt128 address) => (address & ~(UInt128)0xFF_FFFF) == SolicitedNodePrefix;
}
