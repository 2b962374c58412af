using static BareLb.Hosts.Tests.Network.NetworkFacts;

namespace BareLb.Hosts.Tests.Network;

/// <summary>The speaker over the SharpPcap transport, in namespaces.</summary>
[Collection("network")]
public sealed class PcapTests
{
    [Fact]
    public void ThePcapTransportAnswersArpingAndNdisc6WithoutPromiscuousMode()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);
        var node = topology.NodeMac(0);
        using var speaker = SpeakerProcess.Start(topology.Nodes[0], "--interface", "vn", "--address", "198.18.0.100", "--address", "2001:db8::100", "--transport", "pcap");

        Assert.Equal([node, node], Arping(topology, "198.18.0.100", 2));
        Assert.Equal(node, Ndisc6(topology, "2001:db8::100"));
        Assert.True(Ping(topology, "2001:db8::100"));
        Assert.Empty(Arping(topology, "198.18.0.101", 1));
        Assert.Null(Ndisc6(topology, "2001:db8::101"));
        Assert.Contains("promiscuity 0", Namespaces.Exec(topology.Nodes[0], "ip", "-d", "link", "show", "vn"), StringComparison.Ordinal);
        Assert.Equal(0, speaker.Stop().ExitCode);
    }

    [Fact]
    public void MissingLibpcapGivesOneLineAndExits1()
    {
        RequireRoot();
        using var topology = new Topology(nodes: 1);

        // Hide libpcap in a private mount namespace of the speaker's own: nothing outside changes.
        var script = $"for f in /usr/lib/*/libpcap.so* /usr/lib/libpcap.so* /lib/*/libpcap.so*; do [ -e \"$f\" ] && mount --bind /dev/null \"$f\"; done; exec \"$0\" standalone --interface vn --address 198.18.0.100 --transport pcap";
        var result = Namespaces.TryExec(topology.Nodes[0], "unshare", "--mount", "--propagation", "private", "sh", "-c", script, SpeakerProcess.ExecutablePath);

        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("barelb-speaker: The pcap transport needs libpcap, which is not installed (Debian: apt-get install libpcap0.8).", line);
        Assert.Equal(1, result.ExitCode);
    }
}
