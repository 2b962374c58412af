using System.Buffers.Binary;
using System.Net;
using BareLb.Arp.Codecs;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Tests.Support;

/// <summary>Builds request frames the way peers on a link send them.</summary>
internal static class Frames
{
    public static readonly MacAddress Ours = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress Peer = MacAddress.Parse("02:00:00:00:00:99");

    public static IPAddr V4(string text) => IPAddr.Parse(text);

    public static byte[] ArpRequest(string sender, string target, MacAddress? from = null, MacAddress? to = null, ushort operation = 1, ushort? vlan = null)
    {
        var mac = from ?? Peer;
        var frame = new byte[(vlan.HasValue ? 18 : 14) + 28];
        var header = Ethernet.Write(frame, to ?? MacAddress.Broadcast, mac, Ethernet.TypeArp, vlan.HasValue, vlan ?? 0);
        new ArpPacket(operation, mac, IPAddr.Parse(sender).ToUInt32(), MacAddress.Zero, IPAddr.Parse(target).ToUInt32()).Write(frame.AsSpan(header));
        return frame;
    }

    public static byte[] Solicitation(string source, string target, bool sourceOption = true, MacAddress? from = null, bool unicast = false, string? destination = null)
    {
        var mac = from ?? Peer;
        var t = IPAddr.Parse(target).Value;
        var src = source == "::" ? UInt128.Zero : IPAddr.Parse(source).Value;
        var dst = destination is not null ? IPAddr.Parse(destination).Value : unicast ? t : IPv6Addresses.SolicitedNode(t);
        var frame = new byte[14 + 40 + 32];
        var header = Ethernet.Write(frame, unicast ? Ours : MacAddress.ForIPv6Multicast(dst), mac, Ethernet.TypeIPv6, false, 0);
        var length = NeighborDiscovery.WriteSolicitation(frame.AsSpan(header), src, dst, t, sourceOption ? mac : null);
        return frame[..(header + length)];
    }

    public static IPAddress Ip(string text) => IPAddress.Parse(text);

    public static ushort EtherType(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12));
}
