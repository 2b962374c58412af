using System.Net;
using BareLb.Arp;
using BareLb.Arp.Codecs;
using PacketDotNet;
using PacketDotNet.Ndp;
using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary>A client and a node namespace joined by a veth pair; the speaker runs in the node.</summary>
[Collection("network")]
public sealed class VethTests
{
    [Fact]
    public void ArpingAndPingReachAnAnnouncedIpv4AddressAndNothingAnswersForAnother()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var node = topology.NodeMac(0);
        Assert.Empty(Arping(topology, "198.18.0.100", 1)); // the kernel alone stays silent

        using var capture = new Capture(topology.Client, "vc", "arp");
        using var speaker = SpeakerProcess.Start(topology.Nodes[0], "--interface", "vn", "--address", "198.18.0.100");

        var answers = Arping(topology, "198.18.0.100", 3);
        Assert.Equal(3, answers.Count);
        Assert.All(answers, mac => Assert.Equal(node, mac));
        Assert.True(Ping(topology, "198.18.0.100")); // the kernel resolves it through us
        Assert.Equal(node, topology.ClientNeighbour("198.18.0.100"));
        Assert.Empty(Arping(topology, "198.18.0.101"));

        var ours = capture.Stop().Where(f => MacAddress.Read(f.AsSpan(6)) == node).ToList();
        Assert.NotEmpty(ours);
        var replies = 0;
        foreach (var frame in ours)
        {
            var arp = Assert.IsType<EthernetPacket>(Packet.ParsePacket(LinkLayers.Ethernet, frame)).Extract<PacketDotNet.ArpPacket>();
            Assert.NotNull(arp);
            Assert.NotEqual(IPAddress.Parse("198.18.0.101"), arp.SenderProtocolAddress);
            if (arp.SenderProtocolAddress.Equals(IPAddress.Parse("198.18.0.2")))
            {
                continue; // the node's kernel resolving the client for its echo replies
            }

            Assert.Equal(IPAddress.Parse("198.18.0.100"), arp.SenderProtocolAddress);
            if (arp.Operation == ArpOperation.Response)
            {
                replies++;
                Assert.Equal(IPAddress.Parse("198.18.0.1"), arp.TargetProtocolAddress);
            }
            else
            {
                Assert.Equal(IPAddress.Parse("198.18.0.100"), arp.TargetProtocolAddress); // an announcement
            }
        }

        Assert.True(replies >= 3, $"{replies} replies captured");
    }

    [Fact]
    public void Ndisc6AndPing6ReachAnAnnouncedIpv6AddressWithoutPromiscuousMode()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var node = topology.NodeMac(0);
        Assert.Null(Ndisc6(topology, "2001:db8::100")); // the kernel alone stays silent

        using var capture = new Capture(topology.Client, "vc", "icmp6");
        using var speaker = SpeakerProcess.Start(topology.Nodes[0], "--interface", "vn", "--address", "2001:db8::100");

        Assert.Equal(node, Ndisc6(topology, "2001:db8::100"));
        Assert.True(Ping(topology, "2001:db8::100"));
        Assert.Equal(node, topology.ClientNeighbour("2001:db8::100"));
        Assert.Null(Ndisc6(topology, "2001:db8::101"));
        Assert.Contains("promiscuity 0", Namespaces.Exec(topology.Nodes[0], "ip", "-d", "link", "show", "vn"), StringComparison.Ordinal);

        var advertisements = 0;
        foreach (var frame in capture.Stop().Where(f => MacAddress.Read(f.AsSpan(6)) == node))
        {
            var ethernet = Assert.IsType<EthernetPacket>(Packet.ParsePacket(LinkLayers.Ethernet, frame));
            var icmp = ethernet.Extract<IcmpV6Packet>();
            if (icmp?.Type != IcmpV6Type.NeighborAdvertisement)
            {
                continue; // the kernel's own echo replies and solicitations
            }

            Assert.True(icmp.ValidIcmpChecksum);
            var na = ethernet.Extract<NdpNeighborAdvertisementPacket>();
            Assert.NotNull(na);
            var ip = ethernet.Extract<IPv6Packet>();
            if (na.TargetAddress.Equals(IPAddress.Parse("2001:db8::2")))
            {
                continue; // the kernel answering for the node's own interface address
            }

            Assert.Equal(IPAddress.Parse("2001:db8::100"), na.TargetAddress);
            Assert.Equal(IPAddress.Parse("2001:db8::100"), ip!.SourceAddress);
            advertisements++;
        }

        Assert.True(advertisements >= 2, $"{advertisements} advertisements captured");
    }

    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    public void ASignalStopsAnsweringAndExits0WithinASecond(int signal)
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        using var speaker = SpeakerProcess.Start(topology.Nodes[0], "--interface", "vn", "--address", "198.18.0.100", "--address", "2001:db8::100");
        Assert.Single(Arping(topology, "198.18.0.100", 1));

        var (exitCode, elapsed) = speaker.Stop(signal);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"exit took {elapsed}");
        Assert.Empty(Arping(topology, "198.18.0.100", 1));
        Assert.Null(Ndisc6(topology, "2001:db8::100"));
    }

    /// <summary>
    /// A non-interactive shell's background job, and everything it starts, runs with SIGINT and
    /// SIGQUIT ignored, and .NET keeps an inherited SIG_IGN: the speaker must take them back.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(15)]
    public void ASignalStopsTheSpeakerEvenWhenItWasStartedIgnored(int signal)
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        using var speaker = SpeakerProcess.StartIgnoring(topology.Nodes[0], "INT QUIT TERM", "--interface", "vn", "--address", "198.18.0.100");
        Assert.Single(Arping(topology, "198.18.0.100", 1));

        var (exitCode, elapsed) = speaker.Stop(signal);

        Assert.Equal(0, exitCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"exit took {elapsed}");
        Assert.Empty(Arping(topology, "198.18.0.100", 1));
    }

    [Fact]
    public void TheEngineInProcessAnswersOverAfPacketOpenedInTheNamespace()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        using var engine = new Layer2Engine(new Layer2Options());
        var transport = BareLb.Arp.Transports.AfPacketTransport.Open("vn", topology.Nodes[0]);
        Assert.Equal(topology.NodeMac(0), transport.HardwareAddress);
        engine.AddInterface(transport);
        engine.Announce("vn", BareLb.Core.Addresses.IPAddr.Parse("198.18.0.100"));
        engine.Announce("vn", BareLb.Core.Addresses.IPAddr.Parse("2001:db8::100"));

        Assert.Equal([topology.NodeMac(0), topology.NodeMac(0)], Arping(topology, "198.18.0.100", 2));
        Assert.Equal(topology.NodeMac(0), Ndisc6(topology, "2001:db8::100"));

        engine.Withdraw("vn", BareLb.Core.Addresses.IPAddr.Parse("198.18.0.100"));
        Assert.Empty(Arping(topology, "198.18.0.100", 1));
    }

    [Fact]
    public void OpeningAMissingInterfaceNamesIt()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var error = Assert.Throws<BareLb.Arp.Transports.FrameTransportException>(() => BareLb.Arp.Transports.AfPacketTransport.Open("nope0", topology.Nodes[0]));
        Assert.Equal("Interface nope0 does not exist.", error.Message);
    }
}
