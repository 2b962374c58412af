using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using CsCheck;

namespace BareLb.Arp.Tests.Codecs;

public sealed class ReplyTemplatesTests
{
    [Fact]
    public void TemplatesWriteTheSameBytesAsTheGeneralWriters()
    {
        Gen.Select(Gen.ULong, Gen.ULong, Gen.UInt, Gen.UInt, Gen.Select(Gen.ULong, Gen.ULong), Gen.Select(Gen.ULong, Gen.ULong), Gen.Bool).Sample(
            (ours, peer, a, b, destination, target, solicited) =>
            {
                var us = MacAddress.FromValue(ours);
                var them = MacAddress.FromValue(peer);
                var templates = new ReplyTemplates(us);

                var fast = new byte[ReplyTemplates.ArpReplyLength];
                var slow = new byte[ReplyTemplates.ArpReplyLength];
                var request = new byte[ReplyTemplates.ArpReplyLength];
                Ethernet.Write(request, MacAddress.Broadcast, them, Ethernet.TypeArp, false, 0);
                new ArpPacket(ArpPacket.OperationRequest, them, b, MacAddress.Zero, a).Write(request.AsSpan(14));
                templates.WriteArpReply(fast, request);
                Ethernet.Write(slow, them, us, Ethernet.TypeArp, false, 0);
                new ArpPacket(ArpPacket.OperationReply, us, a, them, b).Write(slow.AsSpan(14));
                Assert.Equal(slow, fast);

                var dst = new UInt128(destination.Item1, destination.Item2);
                var tgt = new UInt128(target.Item1, target.Item2);
                var flags = NeighborDiscovery.FlagOverride | (solicited ? NeighborDiscovery.FlagSolicited : 0);
                fast = new byte[ReplyTemplates.AdvertisementFrameLength];
                slow = new byte[ReplyTemplates.AdvertisementFrameLength];
                templates.WriteAdvertisement(fast, them, dst, tgt, flags);
                Ethernet.Write(slow, them, us, Ethernet.TypeIPv6, false, 0);
                NeighborDiscovery.WriteAdvertisement(slow.AsSpan(14), tgt, dst, tgt, us, flags);
                Assert.Equal(slow, fast);
            },
            iter: 20_000);
    }
}
