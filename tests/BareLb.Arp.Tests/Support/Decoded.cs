using PacketDotNet;
using PacketDotNet.Ndp;

namespace BareLb.Arp.Tests.Support;

/// <summary>PacketDotNet's view of frames we emit: an independent check of our codecs.</summary>
internal static class Decoded
{
    public static EthernetPacket Ethernet(ReadOnlySpan<byte> frame)
    {
        var packet = Packet.ParsePacket(LinkLayers.Ethernet, frame.ToArray());
        return Assert.IsType<EthernetPacket>(packet);
    }

    public static ArpPacket Arp(ReadOnlySpan<byte> frame) => Ethernet(frame).Extract<ArpPacket>() ?? throw new InvalidOperationException("not ARP");

    public static NdpNeighborAdvertisementPacket Advertisement(ReadOnlySpan<byte> frame, out IPv6Packet ip)
    {
        var ethernet = Ethernet(frame);
        ip = ethernet.Extract<IPv6Packet>() ?? throw new InvalidOperationException("not IPv6");
        var icmp = ethernet.Extract<IcmpV6Packet>() ?? throw new InvalidOperationException("not ICMPv6");
        Assert.True(icmp.ValidIcmpChecksum, "PacketDotNet finds the ICMPv6 checksum invalid");
        return ethernet.Extract<NdpNeighborAdvertisementPacket>() ?? throw new InvalidOperationException("not an NA");
    }
}
