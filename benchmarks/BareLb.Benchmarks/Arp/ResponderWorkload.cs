using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;
using BareLb.Arp.Responding;
using BareLb.Core.Addresses;

namespace BareLb.Benchmarks.Arp;

/// <summary>
/// What the responder benchmarks share: 1,000 announced addresses of each family on
/// <c>eth0</c>, counted as the engine counts them, requests from up to 4,096 sources, and the
/// request frames.
/// </summary>
internal static class ResponderWorkload
{
    public const int Announced = 1000;
    public const int Sources = 4096;
    public static readonly MacAddress OurMac = MacAddress.Parse("02:00:00:00:00:01");
    public static readonly MacAddress PeerMac = MacAddress.Parse("02:00:00:00:00:99");

    /// <summary>The i-th announced IPv4 address: 198.18.0.10 and on.</summary>
    public static IPAddr V4(int i) => IPAddr.FromIPv4(0xC612_0000u + 10 + (uint)i);

    /// <summary>The i-th announced IPv6 address: 2001:db8::1:0 and on.</summary>
    public static IPAddr V6(int i) => IPAddr.FromIPv6(IPAddr.Parse("2001:db8::1:0").Value + (UInt128)i);

    /// <summary>A table with every address announced, its counters registered with <paramref name="metrics"/>.</summary>
    public static AddressTable Table(Layer2Metrics metrics)
    {
        var table = new AddressTable(metrics.ForInterface("eth0"));
        for (var i = 0; i < Announced; i++)
        {
            table.Add(V4(i));
            table.Add(V6(i));
        }

        return table;
    }

    /// <summary>A broadcast ARP request from the peer (198.18.0.1) for <paramref name="target"/>.</summary>
    public static byte[] ArpRequest(IPAddr target)
    {
        var frame = new byte[42];
        Ethernet.Write(frame, MacAddress.Broadcast, PeerMac, Ethernet.TypeArp, false, 0);
        new ArpPacket(ArpPacket.OperationRequest, PeerMac, IPAddr.Parse("198.18.0.1").ToUInt32(), MacAddress.Zero, target.ToUInt32()).Write(frame.AsSpan(14));
        return frame;
    }
}
