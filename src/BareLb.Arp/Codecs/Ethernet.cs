using System.Buffers.Binary;

namespace BareLb.Arp.Codecs;

/// <summary>An Ethernet II header with at most one 802.1Q tag, as read from a frame.</summary>
internal readonly struct EthernetHeader
{
    public EthernetHeader(MacAddress destination, MacAddress source, ushort etherType, bool hasVlanTag, ushort vlanTci)
    {
        Destination = destination;
        Source = source;
        EtherType = etherType;
        HasVlanTag = hasVlanTag;
        VlanTci = vlanTci;
    }

    public MacAddress Destination { get; }

    public MacAddress Source { get; }

    /// <summary>The inner EtherType (after the tag, if any).</summary>
    public ushort EtherType { get; }

    public bool HasVlanTag { get; }

    /// <summary>The tag control information (priority, DEI, VLAN id) when tagged.</summary>
    public ushort VlanTci { get; }

    public int Length => HasVlanTag ? Ethernet.HeaderLength + Ethernet.VlanTagLength : Ethernet.HeaderLength;
}

/// <summary>Reads and writes Ethernet II headers.</summary>
internal static class Ethernet
{
    public const int HeaderLength = 14;
    public const int VlanTagLength = 4;
    public const ushort TypeArp = 0x0806;
    public const ushort TypeIPv6 = 0x86DD;
    public const ushort TypeVlan = 0x8100;

    public static bool TryRead(ReadOnlySpan<byte> frame, out EthernetHeader header, out DropReason reason)
    {
        header = default;
        if (frame.Length < HeaderLength)
        {
            reason = DropReason.Truncated;
            return false;
        }

        var destination = MacAddress.Read(frame);
        var source = MacAddress.Read(frame[6..]);
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        var tagged = false;
        ushort tci = 0;
        if (type == TypeVlan)
        {
            if (frame.Length < HeaderLength + VlanTagLength)
            {
                reason = DropReason.Truncated;
                return false;
            }

            tagged = true;
            tci = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
        }

        header = new EthernetHeader(destination, source, type, tagged, tci);
        reason = DropReason.None;
        return true;
    }

    /// <summary>Writes a header and returns its length (14, or 18 when tagged).</summary>
    public static int Write(Span<byte> destination, MacAddress to, MacAddress from, ushort etherType, bool tagged, ushort tci)
    {
        to.WriteTo(destination);
        from.WriteTo(destination[6..]);
        if (tagged)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[12..], TypeVlan);
            BinaryPrimitives.WriteUInt16BigEndian(destination[14..], tci);
            BinaryPrimitives.WriteUInt16BigEndian(destination[16..], etherType);
            return HeaderLength + VlanTagLength;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], etherType);
        return HeaderLength;
    }
}
