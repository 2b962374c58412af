using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// Writes the ARP reply from us to an untagged ARP request frame (<paramref name="request"/>,
    /// from its Ethernet header on): to the request's sender hardware and protocol addresses,
    /// for the protocol address it asked about. Two overlapping 32-byte copies of the template,
    /// then four stores of bytes taken from the request as they are (no byte swapping).
    /// </summary>
    /// <exception cref="ArgumentException">Either span is shorter than <see cref="ArpReplyLength"/>.</exception>
    public int WriteArpReply(Span<byte> frame, ReadOnlySpan<byte> request)
    {
        if (frame.Length < ArpReplyLength || request.Length < ArpReplyLength)
        {
            ThrowTooShort();
        }

        ref var reply = ref MemoryMarshal.GetReference(frame);
        ref var asked = ref MemoryMarshal.GetReference(request);
        ref var template = ref MemoryMarshal.GetArrayDataReference(_arpReply);
        var head = Unsafe.ReadUnaligned<Vector256<byte>>(ref template);
        var tail = Unsafe.ReadUnaligned<Vector256<byte>>(ref Unsafe.Add(ref template, ArpReplyLength - 32));
        Unsafe.WriteUnaligned(ref reply, head);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref reply, ArpReplyLength - 32), tail);

        // The request's sender: hardware address at 22, protocol address at 28 (ten bytes in all).
        var sender = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref asked, 22));
        var senderTail = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref asked, 30));
        var asked4 = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref asked, 38));
        Unsafe.WriteUnaligned(ref reply, (uint)sender); // Ethernet destination, first four bytes
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref reply, 4), (ushort)(sender >> 32)); // and the last two
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref reply, 28), asked4); // sender protocol: the address asked about
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref reply, 32), sender); // target hardware and protocol ...
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref reply, 40), senderTail); // ... the request's sender's
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

    private static void ThrowTooShort() => throw new ArgumentException($"An ARP reply and its request need {ArpReplyLength} bytes each.");
}
