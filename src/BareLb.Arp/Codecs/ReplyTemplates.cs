using System.Buffers.Binary;

namespace BareLb.Arp.Codecs;

/// <summary>
/// Untagged ARP replies and neighbor advertisements for one interface, built by copying a
/// prepared frame (everything that depends only on the interface's MAC address already in
/// place) and writing the few fields that vary: a single vectorised copy instead of a dozen
/// field writes on the packet path. The frames are byte-for-byte those the general writers
/// (<see cref="ArpPacket.Write"/>, <see cref="NeighborDiscovery.WriteAdvertisement"/>) produce.
/// </summary>
internal sealed class ReplyTemplates
{
    public const int ArpReplyLength = Ethernet.HeaderLength + ArpPacket.Length;
    public const int AdvertisementFrameLength = Ethernet.HeaderLength + IPv6Header.Length + NeighborDiscovery.AdvertisementLength;

    private const int Ip = Ethernet.HeaderLength;
    private const int Icmp = Ip + IPv6Header.Length;

    private readonly byte[] _arpReply = new byte[ArpReplyLength];
    private readonly byte[] _advertisement = new byte[AdvertisementFrameLength];
    private readonly ulong _advertisementConstantSum;

    public ReplyTemplates(MacAddress hardwareAddress)
    {
        Ethernet.Write(_arpReply, MacAddress.Zero, hardwareAddress, Ethernet.TypeArp, false, 0);
        new ArpPacket(ArpPacket.OperationReply, hardwareAddress, 0, MacAddress.Zero, 0).Write(_arpReply.AsSpan(Ethernet.HeaderLength));

        Ethernet.Write(_advertisement, MacAddress.Zero, hardwareAddress, Ethernet.TypeIPv6, false, 0);
        NeighborDiscovery.WriteAdvertisement(_advertisement.AsSpan(Ip), 0, 0, 0, hardwareAddress, 0);
        _advertisement[Icmp + 2] = 0;
        _advertisement[Icmp + 3] = 0;

        // The checksum's constant part: the pseudo-header's length and next header, the type,
        // and the option with our MAC; addresses, flags and target are added per frame.
        var sum = InternetChecksum.PseudoHeader(new byte[32], NeighborDiscovery.AdvertisementLength);
        _advertisementConstantSum = InternetChecksum.Add(sum, _advertisement.AsSpan(Icmp, NeighborDiscovery.AdvertisementLength));
    }

    /// <summary>Writes an ARP reply from us, for <paramref name="address"/>, to a requester.</summary>
    public int WriteArpReply(Span<byte> frame, MacAddress requester, uint address, uint requesterAddress)
    {
        var destination = frame[..ArpReplyLength];
        _arpReply.CopyTo(destination);
        requester.WriteTo(destination);
        BinaryPrimitives.WriteUInt32BigEndian(destination[28..], address);
        requester.WriteTo(destination[32..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[38..], requesterAddress);
        return ArpReplyLength;
    }

    /// <summary>Writes a neighbor advertisement from us for <paramref name="target"/>, sourced from the target itself.</summary>
    public int WriteAdvertisement(Span<byte> frame, MacAddress to, UInt128 destination, UInt128 target, uint flags)
    {
        var packet = frame[..AdvertisementFrameLength];
        _advertisement.CopyTo(packet);
        to.WriteTo(packet);
        BinaryPrimitives.WriteUInt128BigEndian(packet[(Ip + 8)..], target);
        BinaryPrimitives.WriteUInt128BigEndian(packet[(Ip + 24)..], destination);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(Icmp + 4)..], flags);
        BinaryPrimitives.WriteUInt128BigEndian(packet[(Icmp + 8)..], target);
        var sum = InternetChecksum.Add(_advertisementConstantSum, packet.Slice(Ip + 8, 32));
        sum = InternetChecksum.Add(sum, packet.Slice(Icmp + 4, 20));
        BinaryPrimitives.WriteUInt16BigEndian(packet[(Icmp + 2)..], InternetChecksum.Finish(sum));
        return AdvertisementFrameLength;
    }
}
