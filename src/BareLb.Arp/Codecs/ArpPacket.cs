using System.Buffers.Binary;

namespace BareLb.Arp.Codecs;

/// <summary>An ARP packet for Ethernet and IPv4 (RFC 826); protocol addresses in host order.</summary>
internal readonly struct ArpPacket
{
    public const int Length = 28;
    public const ushort OperationRequest = 1;
    public const ushort OperationReply = 2;

    public ArpPacket(ushort operation, MacAddress senderHardware, uint senderProtocol, MacAddress targetHardware, uint targetProtocol)
    {
        Operation = operation;
        SenderHardware = senderHardware;
        SenderProtocol = senderProtocol;
        TargetHardware = targetHardware;
        TargetProtocol = targetProtocol;
    }

    public ushort Operation { get; }

    public MacAddress SenderHardware { get; }

    public uint SenderProtocol { get; }

    public MacAddress TargetHardware { get; }

    public uint TargetProtocol { get; }

    /// <summary>An RFC 5227 probe: a request with sender protocol address 0.0.0.0.</summary>
    public bool IsProbe => Operation == OperationRequest && SenderProtocol == 0;

    /// <summary>A gratuitous packet or RFC 5227 announcement: sender and target protocol addresses equal.</summary>
    public bool IsGratuitous => SenderProtocol == TargetProtocol;

    public static bool TryRead(ReadOnlySpan<byte> payload, out ArpPacket packet, out DropReason reason)
    {
        packet = default;
        if (payload.Length < Length)
        {
            reason = DropReason.Truncated;
            return false;
        }

        // Hardware type 1 (Ethernet), protocol type 0x0800 (IPv4), lengths 6 and 4, in one read.
        var head = BinaryPrimitives.ReadUInt64BigEndian(payload);
        if ((head >> 16) != 0x0001_0800_0604UL)
        {
            reason = DropReason.ArpUnsupportedFormat;
            return false;
        }

        var operation = (ushort)head;
        if (operation is not (OperationRequest or OperationReply))
        {
            reason = DropReason.ArpUnsupportedOperation;
            return false;
        }

        packet = new ArpPacket(
            operation,
            MacAddress.Read(payload[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(payload[14..]),
            MacAddress.Read(payload[18..]),
            BinaryPrimitives.ReadUInt32BigEndian(payload[24..]));
        reason = DropReason.None;
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, 0x0001_0800u);
        destination[4] = 6;
        destination[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], Operation);
        SenderHardware.WriteTo(destination[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[14..], SenderProtocol);
        TargetHardware.WriteTo(destination[18..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], TargetProtocol);
    }
}
