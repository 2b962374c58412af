using System.Buffers.Binary;

namespace BareLb.Arp.Codecs;

/// <summary>The fixed IPv6 header (RFC 8200); addresses as 128-bit numbers.</summary>
internal readonly struct IPv6Header
{
    public const int Length = 40;
    public const byte NextHeaderIcmpV6 = 58;

    public IPv6Header(ushort payloadLength, byte nextHeader, byte hopLimit, UInt128 source, UInt128 destination)
    {
        PayloadLength = payloadLength;
        NextHeader = nextHeader;
        HopLimit = hopLimit;
        Source = source;
        Destination = destination;
    }

    public ushort PayloadLength { get; }

    public byte NextHeader { get; }

    public byte HopLimit { get; }

    public UInt128 Source { get; }

    public UInt128 Destination { get; }

    /// <summary>Reads the header; the payload length must fit in <paramref name="packet"/> (Ethernet padding may follow).</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out IPv6Header header, out DropReason reason)
    {
        header = default;
        if (packet.Length < Length)
        {
            reason = DropReason.Truncated;
            return false;
        }

        if ((packet[0] >> 4) != 6)
        {
            reason = DropReason.IPv6Malformed;
            return false;
        }

        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (payloadLength > packet.Length - Length)
        {
            reason = DropReason.Truncated;
            return false;
        }

        header = new IPv6Header(
            payloadLength,
            packet[6],
            packet[7],
            BinaryPrimitives.ReadUInt128BigEndian(packet[8..]),
            BinaryPrimitives.ReadUInt128BigEndian(packet[24..]));
        reason = DropReason.None;
        return true;
    }

    /// <summary>Writes the header with traffic class and flow label zero.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 0x6000_0000u);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], PayloadLength);
        destination[6] = NextHeader;
        destination[7] = HopLimit;
        BinaryPrimitives.WriteUInt128BigEndian(destination[8..], Source);
        BinaryPrimitives.WriteUInt128BigEndian(destination[24..], Destination);
    }
}
