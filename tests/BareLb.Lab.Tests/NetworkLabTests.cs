using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Capture;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Probing;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Tests;

/// <summary>Labs of real namespaces (root; skipped otherwise). Each builds its own lab with the prefix <c>bllt</c>.</summary>
public sealed class NetworkLabTests
{
    private static readonly LabOptions Small = new() { Prefix = "bllt", Nodes = 2, KubeIpvsAddresses = [IPAddress.Parse("198.18.35.100"), IPAddress.Parse("2001:db8:35::100")] };

    [Fact]
    public void ALabComesUpAndTheClientReachesEveryNodeOnBothFamilies()
    {
        Root.Require();
        using var lab = NetworkLab.Create(Small);
        Assert.Equal(4, lab.Namespaces.Count(n => n.StartsWith("bllt-", StringComparison.Ordinal) && NetworkNamespaces.Exists(n)) - 1);
        var client = lab.RequireClient();
        foreach (var node in lab.Nodes.Append(lab.Api!))
        {
            Assert.True(client.Ping(node.Ipv4), $"{client} cannot ping {node}");
            Assert.True(client.Ping(node.Ipv6), $"{client} cannot ping {node} over IPv6");
        }

        Assert.Contains("198.18.35.100/32", lab.Nodes[0].Exec("ip", "addr", "show", "dev", LabHost.KubeIpvs), StringComparison.Ordinal);
    }

    [Fact]
    public void NodesDoNotAnswerARPForKubeIpvs0Addresses()
    {
        Root.Require();
        using var lab = NetworkLab.Create(Small);
        var client = lab.RequireClient();
        Assert.False(client.TryExec("arping", "-c", "1", "-w", "1", "-i", LabHost.Interface, "198.18.35.100").Output.Contains("bytes from", StringComparison.Ordinal));
        Assert.False(client.Ping(IPAddress.Parse("198.18.35.100")));
    }

    [Fact]
    public void ALabIsRemovedEvenWhenTheTestThrows()
    {
        Root.Require();
        IReadOnlyList<string> names = [];
        var directory = string.Empty;
        Assert.Throws<InvalidOperationException>((Action)(() =>
        {
            using var lab = NetworkLab.Create(Small);
            names = lab.Namespaces;
            directory = lab.Directory;
            lab.Nodes[0].Start("sleep", "300");
            throw new InvalidOperationException("the test failed");
        }));
        Assert.Equal(5, names.Count);
        Assert.All(names, n => Assert.False(NetworkNamespaces.Exists(n), n + " is left"));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void ALabThatFailsToBuildLeavesNothing()
    {
        Root.Require();
        IReadOnlyList<string> names = [];
        var error = Assert.Throws<LabException>(() => NetworkLab.Create(Small, lab =>
        {
            names = lab.Namespaces;
            lab.Nodes[1].Start("sleep", "300");
            lab.Nodes[1].Exec("ip", "link", "add", "eth0", "type", "dummy");
        }));
        Assert.Contains("exited", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, names.Count);
        Assert.All(names, n => Assert.False(NetworkNamespaces.Exists(n), n + " is left"));
    }

    [Fact]
    public void TwoLabsCoexistWithoutSharingAName()
    {
        Root.Require();
        using var first = NetworkLab.Create(Small);
        using var second = NetworkLab.Create(Small);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Empty(first.Namespaces.Intersect(second.Namespaces));
        Assert.True(first.RequireClient().Ping(first.Nodes[1].Ipv4));
        Assert.True(second.RequireClient().Ping(second.Nodes[1].Ipv4));
        first.Dispose();
        Assert.True(second.RequireClient().Ping(second.Nodes[0].Ipv4));
    }

    [Fact]
    public void TheSweepRemovesNamespacesOfDeadProcessesOnly()
    {
        Root.Require();
        var dead = "bllt-999999999-abcdef-n1";
        NetworkNamespaces.Create(dead);
        using var live = NetworkLab.Create(Small);
        Assert.False(NetworkNamespaces.Exists(dead));
        Assert.All(live.Namespaces, n => Assert.True(NetworkNamespaces.Exists(n)));
        Assert.Empty(NetworkNamespaces.Sweep("bllt"));
    }

    [Fact]
    public async Task TheProberSeesALinkGoDownAndTheCaptureSeesWhoAnswers()
    {
        Root.Require();
        using var lab = NetworkLab.Create(Small);
        var client = lab.RequireClient();
        var node = lab.Nodes[0];
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: TestContext.Current.CancellationToken);
        using var prober = Prober.Start(client, node.Ipv4);
        Assert.True(await prober.WaitForRepliesAsync(20, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken), "no replies");
        var down = DateTimeOffset.UtcNow;
        node.SetLink(up: false);
        var waitedFor = prober.LastReply;
        await Task.Delay(300, TestContext.Current.CancellationToken); // the outage being measured, not a wait for a condition
        node.SetLink(up: true);
        Assert.True(await prober.WaitForRepliesAsync(20, TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken), "no replies after the link came back");
        var report = prober.Report(down, DateTimeOffset.UtcNow);
        Assert.InRange(report.LongestGap, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.True(report.Lost >= 15, $"lost {report.Lost}");
        Assert.Contains("....", report.Timeline, StringComparison.Ordinal);
        Assert.NotNull(waitedFor);

        // The node's own address was resolved by ARP: one answerer, the node.
        Assert.Equal([node.Mac], capture.AnswerersOf(node.Ipv4));
    }

    [Fact]
    public void PortsCanBeBlockedAndUnblockedAndNetemSet()
    {
        Root.Require();
        using var lab = NetworkLab.Create(Small);
        var node = lab.Nodes[0];
        node.BlockPort(ProtocolType.Udp, 7946);
        node.BlockPort(ProtocolType.Tcp, 7946);
        Assert.Contains("dpt:7946", node.Exec("iptables", "-n", "-L", "INPUT"), StringComparison.Ordinal);
        node.UnblockPort(ProtocolType.Udp, 7946);
        node.UnblockPort(ProtocolType.Tcp, 7946);
        Assert.DoesNotContain("7946", node.Exec("iptables", "-n", "-L", "INPUT"), StringComparison.Ordinal);
        node.SetNetem(1);
        var applied = node.Exec("tc", "qdisc", "show", "dev", LabHost.Interface) + node.Exec("iptables", "-S", "OUTPUT");
        Assert.True(applied.Contains("loss 1%", StringComparison.Ordinal) || applied.Contains("barelb-lab-loss", StringComparison.Ordinal), applied);
        node.ClearNetem();
        Assert.DoesNotContain("statistic", node.Exec("iptables", "-S", "OUTPUT"), StringComparison.Ordinal);
        Assert.Throws<LabException>(() => node.SetNetem(101));
        Assert.Throws<LabException>(() => node.AddKubeIpvsAddress(IPAddress.Parse("10.0.0.1")));
    }
}
