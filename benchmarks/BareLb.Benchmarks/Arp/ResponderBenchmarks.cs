using System.Net;
using System.Net.NetworkInformation;
using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;
using BareLb.Arp.Responding;
using BareLb.Core.Addresses;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PacketDotNet;
using PacketDotNet.Ndp;
using PacketDotNet.Utils;
using static BareLb.Benchmarks.Arp.ResponderWorkload;

namespace BareLb.Benchmarks.Arp;

/// <summary>
/// One request frame in, one reply frame out, with 1,000 addresses of each family announced:
/// BareLb's responder against the in-run anchor, the usual decode-then-lookup-then-build done
/// with PacketDotNet and a Dictionary (the way MetalLB does it in Go with mdlayher/arp and ndp).
/// Both produce the full reply frame, checksum included. BareLb's figures include all the
/// packet path does in the engine: the per-source limit (its clock read and slot update, per
/// frame), the lookup among 1,000 addresses, the request, reply and drop counters, and the
/// whole reply frame. <see cref="ResponderStageBenchmarks"/> breaks the ARP reply into stages.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ResponderBenchmarks
{
    private readonly byte[] _reply = new byte[FrameResponder.MaxReplyLength];
    private readonly Dictionary<IPAddress, PhysicalAddress> _anchorTable = [];
    private readonly PhysicalAddress _anchorMac = PhysicalAddress.Parse("02-00-00-00-00-01");
    private FrameResponder _responder = null!;
    private Layer2Metrics _metrics = null!;
    private byte[] _arpRequest = null!;
    private byte[] _solicitation = null!;
    private byte[] _arpMiss = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new Layer2Metrics(null);
        var counters = _metrics.ForInterface("eth0");
        var table = Table(_metrics);
        for (var i = 0; i < Announced; i++)
        {
            _anchorTable[V4(i).ToIPAddress()] = _anchorMac;
            _anchorTable[V6(i).ToIPAddress()] = _anchorMac;
        }

        // The per-source limit is on (its clock read and table update are part of the work), at
        // its highest setting, and requests come from 4,096 sources, so no reply is refused.
        var limiter = new SourceRateLimiter(1_000_000, 1_000, TimeProvider.System);
        _responder = new FrameResponder(OurMac, table, limiter, counters);

        _arpRequest = ArpRequest(V4(617));

        _arpMiss = (byte[])_arpRequest.Clone();
        _arpMiss[40] ^= 0x80; // 198.18.130.x: outside the announced block

        var target6 = V6(617).Value;
        var frame = new byte[14 + 40 + 32];
        Ethernet.Write(frame, MacAddress.ForIPv6Multicast(IPv6Addresses.SolicitedNode(target6)), PeerMac, Ethernet.TypeIPv6, false, 0);
        NeighborDiscovery.WriteSolicitation(frame.AsSpan(14), IPAddr.Parse("2001:db8::1").Value, IPv6Addresses.SolicitedNode(target6), target6, PeerMac);
        _solicitation = frame;

        if (BareLbArp() == 0 || BareLbNdp() == 0 || BareLbArpMiss() != 0 || AnchorArp().Length == 0 || AnchorNdp().Length == 0)
        {
            throw new InvalidOperationException("A benchmark does not produce a reply.");
        }
    }

    /// <summary>
    /// The receive buffer as the kernel leaves it: the same request from the next of 4,096
    /// sources (only the Ethernet source, which the per-source limit keys on, changes).
    /// </summary>
    private byte[] NextSource(byte[] frame)
    {
        MacAddress.FromValue(PeerMac.Value + (ulong)(_next++ & (Sources - 1))).WriteTo(frame.AsSpan(6));
        return frame;
    }

    [GlobalCleanup]
    public void Cleanup() => _metrics.Dispose();

    [Benchmark(Description = "BareLb: ARP request -> reply")]
    [BenchmarkCategory("ARP")]
    public int BareLbArp() => _responder.Respond(NextSource(_arpRequest), _reply);

    [Benchmark(Description = "BareLb: ARP request for an address not announced")]
    [BenchmarkCategory("ARP")]
    public int BareLbArpMiss() => _responder.Respond(_arpMiss, _reply);

    [Benchmark(Baseline = true, Description = "Anchor: PacketDotNet decode, Dictionary lookup, PacketDotNet build")]
    [BenchmarkCategory("ARP")]
    public byte[] AnchorArp()
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, _arpRequest);
        var request = ethernet.Extract<PacketDotNet.ArpPacket>();
        if (request is null || request.Operation != ArpOperation.Request || !_anchorTable.TryGetValue(request.TargetProtocolAddress, out var mac))
        {
            return [];
        }

        var reply = new PacketDotNet.ArpPacket(ArpOperation.Response, request.SenderHardwareAddress, request.SenderProtocolAddress, mac, request.TargetProtocolAddress);
        var frame = new EthernetPacket(mac, request.SenderHardwareAddress, EthernetType.Arp) { PayloadPacket = reply };
        return frame.Bytes;
    }

    [Benchmark(Description = "BareLb: solicitation -> advertisement")]
    [BenchmarkCategory("NDP")]
    public int BareLbNdp() => _responder.Respond(NextSource(_solicitation), _reply);

    [Benchmark(Baseline = true, Description = "Anchor: PacketDotNet decode, Dictionary lookup, PacketDotNet build")]
    [BenchmarkCategory("NDP")]
    public byte[] AnchorNdp()
    {
        var ethernet = (EthernetPacket)Packet.ParsePacket(LinkLayers.Ethernet, _solicitation);
        var ip = ethernet.Extract<IPv6Packet>();
        var icmp = ethernet.Extract<IcmpV6Packet>();
        var solicitation = ethernet.Extract<NdpNeighborSolicitationPacket>();
        if (ip is null || icmp is null || solicitation is null || ip.HopLimit != 255 || !icmp.ValidIcmpChecksum
            || !_anchorTable.TryGetValue(solicitation.TargetAddress, out var mac))
        {
            return [];
        }

        var requester = ethernet.SourceHardwareAddress;
        foreach (var option in solicitation.OptionsCollection)
        {
            if (option is NdpLinkLayerAddressOption { Type: OptionTypes.SourceLinkLayerAddress } link)
            {
                requester = link.LinkLayerAddress;
            }
        }

        // ICMPv6 type 136, flags S and O, the target, and a target link-layer address option.
        var message = new byte[32];
        message[0] = 136;
        message[4] = 0x60;
        solicitation.TargetAddress.GetAddressBytes().CopyTo(message, 8);
        message[24] = 2;
        message[25] = 1;
        mac.GetAddressBytes().CopyTo(message, 26);
        var advertisement = new IcmpV6Packet(new ByteArraySegment(message));
        var reply = new IPv6Packet(solicitation.TargetAddress, ip.SourceAddress) { HopLimit = 255, PayloadPacket = advertisement };
        advertisement.UpdateIcmpChecksum();
        var frame = new EthernetPacket(mac, requester, EthernetType.IPv6) { PayloadPacket = reply };
        return frame.Bytes;
    }
}
