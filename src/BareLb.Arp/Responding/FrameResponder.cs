using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;

namespace BareLb.Arp.Responding;

/// <summary>
/// Turns one received frame into at most one reply frame for one interface: ARP requests and
/// probes get ARP replies, neighbor solicitations get advertisements, for announced addresses
/// only. Never throws on input, never allocates, counts every frame it does not answer.
/// </summary>
/// <remarks>
/// Untagged ARP, the bulk of the traffic, takes a fast path that reads the frame's fields as
/// raw machine words where they lie and answers with <see cref="ReplyTemplates.WriteArpReply"/>;
/// it makes the same checks in the same order, with the same outcome, as the general path
/// (<see cref="RespondDecoded"/>), which decodes headers into structs and handles the rest.
/// </remarks>
internal sealed class FrameResponder
{
    /// <summary>The longest reply: a tagged Ethernet header, an IPv6 header and an advertisement.</summary>
    public const int MaxReplyLength = Ethernet.HeaderLength + Ethernet.VlanTagLength + IPv6Header.Length + NeighborDiscovery.AdvertisementLength;

    // Fields as little-endian machine words read from the wire (the fast path runs on little-endian hosts only).
    private const ulong Mac48 = 0xFFFF_FFFF_FFFFUL;
    private const ushort ArpTypeWord = 0x0608; // 08 06
    private const ulong ArpFormatWord = 0x0406_0008_0100UL; // 00 01 08 00 06 04: Ethernet, IPv4, lengths 6 and 4
    private const ushort RequestWord = 0x0100; // 00 01
    private const ushort ReplyWord = 0x0200; // 00 02

    private readonly AddressTable _table;
    private readonly SourceRateLimiter _limiter;
    private readonly InterfaceCounters _counters;
    private readonly ReplyTemplates _templates;
    private readonly ulong _ourWord;

    public FrameResponder(MacAddress hardwareAddress, AddressTable table, SourceRateLimiter limiter, InterfaceCounters counters)
    {
        HardwareAddress = hardwareAddress;
        _table = table;
        _limiter = limiter;
        _counters = counters;
        _templates = new ReplyTemplates(hardwareAddress);
        _ourWord = BinaryPrimitives.ReverseEndianness(hardwareAddress.Value << 16);
    }

    public string InterfaceName => _counters.InterfaceName;

    public MacAddress HardwareAddress { get; }

    /// <summary>
    /// Handles a frame; returns the length of the reply written to <paramref name="reply"/>
    /// (at least <see cref="MaxReplyLength"/> bytes), or 0 when there is none.
    /// </summary>
    public int Respond(ReadOnlySpan<byte> frame, Span<byte> reply)
    {
        var length = Respond(frame, reply, out var reason);
        if (length == 0)
        {
            _counters.Dropped(reason);
        }

        return length;
    }

    /// <summary>As <see cref="Respond(ReadOnlySpan{byte}, Span{byte})"/>, giving the reason instead of counting it.</summary>
    public int Respond(ReadOnlySpan<byte> frame, Span<byte> reply, out DropReason reason)
    {
        if (BitConverter.IsLittleEndian
            && frame.Length >= ReplyTemplates.ArpReplyLength
            && reply.Length >= ReplyTemplates.ArpReplyLength
            && Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(frame), 12)) == ArpTypeWord)
        {
            return RespondUntaggedArp(frame, reply, out reason);
        }

        return RespondDecoded(frame, reply, out reason);
    }

    /// <summary>The general path, for every frame: decodes the headers, then answers.</summary>
    internal int RespondDecoded(ReadOnlySpan<byte> frame, Span<byte> reply, out DropReason reason)
    {
        if (!Ethernet.TryRead(frame, out var ethernet, out reason))
        {
            return 0;
        }

        if (ethernet.Source == HardwareAddress)
        {
            reason = DropReason.OwnFrame;
            return 0;
        }

        var payload = frame[ethernet.Length..];
        return ethernet.EtherType switch
        {
            Ethernet.TypeArp => RespondArp(in ethernet, payload, reply, out reason),
            Ethernet.TypeIPv6 => RespondNdp(in ethernet, payload, reply, out reason),
            _ => Drop(DropReason.UnsupportedEtherType, out reason),
        };
    }

    /// <summary>
    /// An untagged ARP frame of at least 42 bytes, answered into a reply of at least 42 bytes
    /// (both checked by the caller), with the checks of <see cref="RespondArp"/> in its order.
    /// </summary>
    private int RespondUntaggedArp(ReadOnlySpan<byte> frame, Span<byte> reply, out DropReason reason)
    {
        ref var f = ref MemoryMarshal.GetReference(frame);
        var destination = Unsafe.ReadUnaligned<ulong>(ref f) & Mac48;
        var source = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref f, 6)) & Mac48;
        if (source == _ourWord)
        {
            return Drop(DropReason.OwnFrame, out reason);
        }

        if (destination != Mac48 && destination != _ourWord)
        {
            return Drop(DropReason.NotForUs, out reason);
        }

        var head = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref f, Ethernet.HeaderLength));
        if ((head & Mac48) != ArpFormatWord)
        {
            return Drop(DropReason.ArpUnsupportedFormat, out reason);
        }

        var operation = (ushort)(head >> 48);
        if (operation != RequestWord)
        {
            return Drop(operation == ReplyWord ? DropReason.ArpReply : DropReason.ArpUnsupportedOperation, out reason);
        }

        var senderProtocol = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref f, 28));
        var targetProtocol = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref f, 38));
        if (senderProtocol == targetProtocol)
        {
            return Drop(DropReason.ArpGratuitous, out reason);
        }

        var entry = _table.Snapshot.FindIPv4(BinaryPrimitives.ReverseEndianness(targetProtocol));
        if (entry is null)
        {
            return Drop(DropReason.NotAnnounced, out reason);
        }

        var counters = entry.Counters;
        counters.Requests++;
        var requester = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref f, 22)) & Mac48;
        if ((requester & 1) != 0 || requester == 0)
        {
            return Drop(DropReason.ArpBadSender, out reason); // multicast (the group bit) or zero
        }

        if (!_limiter.TryAcquire(BinaryPrimitives.ReverseEndianness(source) >> 16))
        {
            return Drop(DropReason.RateLimited, out reason);
        }

        var length = _templates.WriteArpReply(reply, frame);
        counters.Replies++;
        reason = DropReason.None;
        return length;
    }

    private int RespondArp(in EthernetHeader ethernet, ReadOnlySpan<byte> payload, Span<byte> reply, out DropReason reason)
    {
        if (!ethernet.Destination.IsBroadcast && ethernet.Destination != HardwareAddress)
        {
            return Drop(DropReason.NotForUs, out reason);
        }

        if (!ArpPacket.TryRead(payload, out var arp, out reason))
        {
            return 0;
        }

        if (arp.Operation != ArpPacket.OperationRequest)
        {
            return Drop(DropReason.ArpReply, out reason);
        }

        if (arp.IsGratuitous)
        {
            return Drop(DropReason.ArpGratuitous, out reason);
        }

        var entry = _table.Snapshot.FindIPv4(arp.TargetProtocol);
        if (entry is null)
        {
            return Drop(DropReason.NotAnnounced, out reason);
        }

        entry.Counters.Requests++;
        var requester = arp.SenderHardware;
        if (requester.IsMulticast || requester.IsZero)
        {
            return Drop(DropReason.ArpBadSender, out reason);
        }

        if (!_limiter.TryAcquire(ethernet.Source.Value))
        {
            return Drop(DropReason.RateLimited, out reason);
        }

        var length = Ethernet.Write(reply, requester, HardwareAddress, Ethernet.TypeArp, ethernet.HasVlanTag, ethernet.VlanTci);
        new ArpPacket(ArpPacket.OperationReply, HardwareAddress, arp.TargetProtocol, requester, arp.SenderProtocol).Write(reply[length..]);
        length += ArpPacket.Length;
        entry.Counters.Replies++;
        reason = DropReason.None;
        return length;
    }

    private int RespondNdp(in EthernetHeader ethernet, ReadOnlySpan<byte> payload, Span<byte> reply, out DropReason reason)
    {
        if (!ethernet.Destination.IsMulticast && ethernet.Destination != HardwareAddress)
        {
            return Drop(DropReason.NotForUs, out reason);
        }

        if (!IPv6Header.TryRead(payload, out var ip, out reason))
        {
            return 0;
        }

        if (ip.NextHeader != IPv6Header.NextHeaderIcmpV6)
        {
            return Drop(DropReason.IPv6NotIcmp, out reason);
        }

        var packet = payload[..(IPv6Header.Length + ip.PayloadLength)];
        if (!NeighborDiscovery.TryReadSolicitation(packet, in ip, out var solicitation, out reason))
        {
            return 0;
        }

        // Sent to the target's solicited-node group, or unicast to the target itself.
        if (ip.Destination != solicitation.Target && ip.Destination != IPv6Addresses.SolicitedNode(solicitation.Target))
        {
            return Drop(DropReason.NdpInvalid, out reason);
        }

        var entry = _table.Snapshot.FindIPv6(solicitation.Target);
        if (entry is null)
        {
            return Drop(DropReason.NotAnnounced, out reason);
        }

        entry.Counters.Requests++;
        if (!_limiter.TryAcquire(ethernet.Source.Value))
        {
            return Drop(DropReason.RateLimited, out reason);
        }

        UInt128 to;
        MacAddress toMac;
        uint flags;
        if (ip.Source == UInt128.Zero)
        {
            // Duplicate address detection: defend to all nodes, not solicited (RFC 4861 7.2.4).
            to = IPv6Addresses.AllNodes;
            toMac = MacAddress.ForIPv6Multicast(to);
            flags = NeighborDiscovery.FlagOverride;
        }
        else
        {
            // Unicast reachability probes carry no source option: answer the frame's sender.
            to = ip.Source;
            toMac = solicitation.HasSourceLinkLayer ? solicitation.SourceLinkLayer : ethernet.Source;
            flags = NeighborDiscovery.FlagSolicited | NeighborDiscovery.FlagOverride;
        }

        int length;
        if (ethernet.HasVlanTag)
        {
            length = Ethernet.Write(reply, toMac, HardwareAddress, Ethernet.TypeIPv6, true, ethernet.VlanTci);
            length += NeighborDiscovery.WriteAdvertisement(reply[length..], solicitation.Target, to, solicitation.Target, HardwareAddress, flags);
        }
        else
        {
            length = _templates.WriteAdvertisement(reply, toMac, to, solicitation.Target, flags);
        }

        entry.Counters.Replies++;
        reason = DropReason.None;
        return length;
    }

    private static int Drop(DropReason why, out DropReason reason)
    {
        reason = why;
        return 0;
    }
}
