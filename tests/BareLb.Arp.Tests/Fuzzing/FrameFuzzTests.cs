using System.Buffers.Binary;
using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using BareLb.Core.Addresses;
using CsCheck;
using PacketDotNet;
using ArpPacket = BareLb.Arp.Codecs.ArpPacket;

namespace BareLb.Arp.Tests.Fuzzing;

/// <summary>
/// A million random and mutated frames through the codecs and the responder: nothing throws,
/// and every reply is for an announced address and well formed, read back by our codecs and by PacketDotNet.
/// </summary>
public sealed class FrameFuzzTests
{
    private const long Frames = 1_000_000;

    private static readonly string[] Announced = ["198.18.0.100", "198.18.7.7", "2001:db8::100", "2001:db8:1::7"];

    private static readonly byte[][] Seeds =
    [
        Support.Frames.ArpRequest("198.18.0.1", "198.18.0.100"),
        Support.Frames.ArpRequest("198.18.0.1", "198.18.0.101"),
        Support.Frames.ArpRequest("0.0.0.0", "198.18.7.7"),
        Support.Frames.ArpRequest("198.18.0.1", "198.18.0.100", to: Support.Frames.Ours),
        Support.Frames.ArpRequest("198.18.0.1", "198.18.7.7", vlan: 7),
        Support.Frames.ArpRequest("198.18.0.1", "198.18.0.100", operation: 2),
        Support.Frames.ArpRequest("198.18.0.100", "198.18.0.100"),
        Support.Frames.Solicitation("2001:db8::1", "2001:db8::100"),
        Support.Frames.Solicitation("2001:db8::1", "2001:db8::101"),
        Support.Frames.Solicitation("::", "2001:db8:1::7", sourceOption: false),
        Support.Frames.Solicitation("fe80::1", "2001:db8::100", sourceOption: false, unicast: true),
        Support.Frames.Solicitation("2001:db8::1", "2001:db8:1::7", destination: "2001:db8:1::7", unicast: true),
    ];

    [Fact]
    public void AMillionRandomAndMutatedFramesNeverThrowNorAnswerForAnAddressNotAnnounced()
    {
        using var rig = new ResponderRig(ratePerSecond: 0, burst: 1, Announced);
        var announced = Announced.Select(IPAddr.Parse).ToHashSet();
        var reasons = new long[Enum.GetValues<DropReason>().Length];
        var reply = new byte[BareLb.Arp.Responding.FrameResponder.MaxReplyLength];
        long replies = 0;

        var random = Gen.Byte.Array[0, 120].Select(Gen.Int[0, 3], (frame, type) =>
        {
            if (frame.Length >= 14 && type > 0)
            {
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), type switch { 1 => Ethernet.TypeArp, 2 => Ethernet.TypeIPv6, _ => Ethernet.TypeVlan });
            }

            return frame;
        });
        var edit = Gen.Select(Gen.Int[0, 95], Gen.Byte);
        var mutated = Gen.Select(Gen.Int[0, Seeds.Length - 1], edit.Array[0, 4], Gen.Int[-20, 120], Gen.Bool, (seed, edits, cut, fixChecksum) =>
        {
            var frame = (byte[])Seeds[seed].Clone();
            foreach (var (position, value) in edits)
            {
                if (position < frame.Length)
                {
                    frame[position] = value;
                }
            }

            if (cut >= 0 && cut < frame.Length)
            {
                frame = frame[..cut];
            }

            if (fixChecksum)
            {
                FixIcmpChecksum(frame);
            }

            return frame;
        });

        Gen.Frequency((1, random), (3, mutated)).Sample(
            frame =>
            {
                var length = rig.Responder.Respond(frame, reply, out var reason);
                reasons[(int)reason]++;
                if (length == 0)
                {
                    Assert.NotEqual(DropReason.None, reason);
                    return;
                }

                replies++;
                Assert.Equal(DropReason.None, reason);
                Assert.Contains(AnsweredFor(reply.AsSpan(0, length)), announced);
                // PacketDotNet decodes every reply too, as an independent check of our codecs.
                var decoded = Assert.IsType<EthernetPacket>(Packet.ParsePacket(LinkLayers.Ethernet, reply[..length]));
                if (decoded.Extract<PacketDotNet.ArpPacket>() is { } arp)
                {
                    Assert.Contains(IPAddr.FromIPAddress(arp.SenderProtocolAddress), announced);
                }
                else
                {
                    var icmp = decoded.Extract<IcmpV6Packet>();
                    Assert.NotNull(icmp);
                    Assert.True(icmp.ValidIcmpChecksum);
                    Assert.Contains(IPAddr.FromIPAddress(decoded.Extract<NdpNeighborAdvertisementPacket>()!.TargetAddress), announced);
                }
            },
            iter: Frames,
            threads: 1);

        Assert.Equal(Frames, reasons.Sum());
        Assert.True(replies > 1000, $"only {replies} replies: the mutations do not reach the answering path");
        foreach (var reason in new[] { DropReason.Truncated, DropReason.NotAnnounced, DropReason.NdpBadChecksum, DropReason.NdpInvalid, DropReason.ArpUnsupportedFormat, DropReason.UnsupportedEtherType, DropReason.NotForUs })
        {
            Assert.True(reasons[(int)reason] > 0, $"no frame was dropped as {reason}");
        }
    }

    /// <summary>The address a reply speaks for, read back with our codecs.</summary>
    private static IPAddr AnsweredFor(ReadOnlySpan<byte> reply)
    {
        Assert.True(Ethernet.TryRead(reply, out var ethernet, out _));
        Assert.Equal(Support.Frames.Ours, ethernet.Source);
        var payload = reply[ethernet.Length..];
        if (ethernet.EtherType == Ethernet.TypeArp)
        {
            Assert.True(ArpPacket.TryRead(payload, out var arp, out _));
            Assert.Equal(ArpPacket.OperationReply, arp.Operation);
            return IPAddr.FromIPv4(arp.SenderProtocol);
        }

        Assert.Equal(Ethernet.TypeIPv6, ethernet.EtherType);
        Assert.True(IPv6Header.TryRead(payload, out var ip, out _));
        var message = payload.Slice(IPv6Header.Length, ip.PayloadLength);
        Assert.Equal(NeighborDiscovery.TypeAdvertisement, message[0]);
        var sum = InternetChecksum.Add(InternetChecksum.PseudoHeader(payload.Slice(8, 32), message.Length), message);
        Assert.Equal(0, InternetChecksum.Finish(sum));
        var target = BinaryPrimitives.ReadUInt128BigEndian(message[8..]);
        Assert.Equal(target, ip.Source);
        return IPAddr.FromIPv6(target);
    }

    private static void FixIcmpChecksum(byte[] frame)
    {
        const int ip = 14;
        if (frame.Length < ip + IPv6Header.Length + 4 || BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) != Ethernet.TypeIPv6)
        {
            return;
        }

        var payloadLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(ip + 4)), frame.Length - ip - IPv6Header.Length);
        var message = frame.AsSpan(ip + IPv6Header.Length, payloadLength);
        if (message.Length < 4)
        {
            return;
        }

        message[2] = 0;
        message[3] = 0;
        var sum = InternetChecksum.Add(InternetChecksum.PseudoHeader(frame.AsSpan(ip + 8, 32), message.Length), message);
        BinaryPrimitives.WriteUInt16BigEndian(message[2..], InternetChecksum.Finish(sum));
    }
}
