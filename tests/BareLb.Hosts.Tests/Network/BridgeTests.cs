using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary>A client and two node namespaces on a bridge: failover between speakers.</summary>
[Collection("network")]
public sealed class BridgeTests
{
    [Fact]
    public void ASecondAnnouncerTakesOverTheClientsNeighbourEntriesWithinASecond()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 2);
        var first = topology.NodeMac(0);
        var second = topology.NodeMac(1);
        string[] addresses = ["--address", "198.18.0.100", "--address", "2001:db8::100"];

        using (var speaker = SpeakerProcess.Start(topology.Nodes[0], ["--interface", "vn", .. addresses]))
        {
            Assert.Equal(first, Assert.Single(Arping(topology, "198.18.0.100", 1)));
            Assert.Equal(first, Ndisc6(topology, "2001:db8::100"));
            Assert.True(Ping(topology, "198.18.0.100"));
            Assert.True(Ping(topology, "2001:db8::100"));
            Assert.Equal(first, topology.ClientNeighbour("198.18.0.100"));
            Assert.Equal(first, topology.ClientNeighbour("2001:db8::100"));
            speaker.Kill(); // the node dies: no withdrawal, no goodbye
        }

        using var successor = SpeakerProcess.Start(topology.Nodes[1], ["--interface", "vn", .. addresses]);
        var v4 = WaitForNeighbour(topology, "198.18.0.100", second, successor.StartedAt, TimeSpan.FromSeconds(1));
        var v6 = WaitForNeighbour(topology, "2001:db8::100", second, successor.StartedAt, TimeSpan.FromSeconds(1));

        Assert.True(v4.HasValue, $"IPv4 entry is {topology.ClientNeighbour("198.18.0.100")}, not {second}");
        Assert.True(v6.HasValue, $"IPv6 entry is {topology.ClientNeighbour("2001:db8::100")}, not {second}");
        Assert.True(Ping(topology, "198.18.0.100"));
        Assert.True(Ping(topology, "2001:db8::100"));
    }
}
