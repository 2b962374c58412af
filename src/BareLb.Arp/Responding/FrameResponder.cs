using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;

namespace BareLb.Arp.Responding;

/// <summary>
/// Turns one received frame into at most one reply frame for one interface: ARP requests and
/// probes get ARP replies, neighbor solicitations get advertisements, for announced addresses
/// only. Never throws on input, never allocates, counts every frame it does not answer.
/// </summary>
internal sealed class FrameResponder
{
    /// <summary>The longest reply: a tagged Ethernet header, an IPv6 header and an advertisement.</summary>
    public const int MaxReplyLength = Ethernet.HeaderLength + Ethernet.VlanTagLength + IPv6Header.Length + NeighborDiscovery.AdvertisementLength;

    private const string Arp = "arp";
    private const string Ndp = "ndp";

    private readonly AddressTable _table;
    private readonly SourceRateLimiter _limiter;
    private readonly Layer2Metrics _metrics;
    private readonly ReplyTemplates _templates;

    public FrameResponder(string interfaceName, MacAddress hardwareAddress, AddressTable table, SourceRateLimiter limiter, Layer2Metrics metrics)
    {
        InterfaceName = interfaceName;
        HardwareAddress = hardwareAddress;
        _table = table;
        _limiter = limiter;
        _metrics = metrics;
        _templates = new ReplyTemplates(hardwareAddress);
    }

    public string InterfaceName { get; }

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
            _metrics.Dropped(InterfaceName, reason);
        }

        return length;
    }

    /// <summary>As <see cref="Respond(ReadOnlySpan{byte}, Span{byte})"/>, giving the reason instead of counting it.</summary>
    public int Respond(ReadOnlySpan<byte> frame, Span<byte> reply, out DropReason reason)
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

        _metrics.Request(InterfaceName, Arp, entry.Text);
        var requester = arp.SenderHardware;
        if (requester.IsMulticast || requester.IsZero)
        {
            return Drop(DropReason.ArpBadSender, out reason);
        }

        if (!_limiter.TryAcquire(ethernet.Source.Value))
        {
            return Drop(DropReason.RateLimited, out reason);
        }

        int length;
        if (ethernet.HasVlanTag)
        {
            length = Ethernet.Write(reply, requester, HardwareAddress, Ethernet.TypeArp, true, ethernet.VlanTci);
            new ArpPacket(ArpPacket.OperationReply, HardwareAddress, arp.TargetProtocol, requester, arp.SenderProtocol).Write(reply[length..]);
            length += ArpPacket.Length;
        }
        else
        {
            length = _templates.WriteArpReply(reply, requester, arp.TargetProtocol, arp.SenderProtocol);
        }

        _metrics.Reply(InterfaceName, Arp, entry.Text);
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

        _metrics.Request(InterfaceName, Ndp, entry.Text);
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

        _metrics.Reply(InterfaceName, Ndp, entry.Text);
        reason = DropReason.None;
        return length;
    }

    private static int Drop(DropReason why, out DropReason reason)
    {
        reason = why;
        return 0;
    }
}
