using System.Net;
using System.Security.Cryptography;
using System.Text;
using BareLb.Lab.Capture;
using BareLb.Lab.GoMemberlist;

namespace BareLb.Hosts.Tests.KubeSpeaker;

/// <summary>
/// A cluster in the middle of a migration: three BareLb speakers and, on a fourth node, Debian's Go memberlist agent
/// configured as MetalLB's speaker configures memberlist (its LAN defaults, the same secret). The BareLb speakers
/// count that node as a live candidate (so an address MetalLB's order gives it is left to it), and when it dies its
/// address moves to a BareLb speaker. Needs root and the Go agent (golang-go, golang-github-hashicorp-memberlist-dev).
/// </summary>
public sealed class MixedMembershipTests
{
    [Fact]
    public async Task AGoMemberlistNode_IsALiveCandidate_AndWhenItDies_ABareLbSpeakerTakesItsAddress()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root; CI runs them as root.");
        var (agent, problem) = GoMemberlistAgent.Find();
        Assert.SkipWhen(agent is null, problem ?? "The Go memberlist agent did not build.");
        var ct = TestContext.Current.CancellationToken;
        using var cluster = await KubeSpeakerLab.StartAsync(ct, agent);
        var client = cluster.Lab.RequireClient();
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: ct);

        // An address that MetalLB's order (SHA-256 of "node#address", ascending) gives to n4, the Go node.
        var address = Enumerable.Range(150, 100).Select(h => IPAddress.Parse($"198.18.35.{h}"))
            .First(a => cluster.Lab.Nodes.Select(n => n.Role).MinBy(n => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{n}#{a}"))), StringComparer.Ordinal) == "n4");
        foreach (var node in cluster.Lab.Nodes)
        {
            node.AddKubeIpvsAddress(address);
        }

        cluster.Apply($"""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: lab
              namespace: metallb-system
            spec:
              addresses:
              - {KubeSpeakerLab.V4}/32
              - {KubeSpeakerLab.V6}/128
              - {address}/32
            """);
        var since = DateTimeOffset.UtcNow;
        cluster.AddService("mixed", address);

        // The BareLb speakers leave it to n4 (which, were it MetalLB's speaker, would announce it): nothing answers.
        await Task.Run(() => client.TryExec("arping", "-c", "3", "-w", "3", "-I", "eth0", address.ToString()), ct);
        Assert.True(capture.AnswerersOf(address, since).Count == 0, $"a BareLb speaker answered {address} while n4 lives\n{cluster.Logs()}");
        Assert.Contains(cluster.Speakers, s => s!.Lines.Any(l => l.Text.Contains("Speaker n4: Joined", StringComparison.Ordinal) || l.Text.Contains("Member n4 joined", StringComparison.Ordinal)));

        // The Go node dies: its address moves to one BareLb speaker.
        var killed = DateTimeOffset.UtcNow;
        cluster.GoAgent!.Kill();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
        NeighbourAnswer? taken = null;
        while (taken is null && DateTimeOffset.UtcNow < deadline)
        {
            client.TryExec("arping", "-c", "1", "-w", "1", "-I", "eth0", address.ToString());
            taken = capture.FirstAnswer(address, killed);
        }

        Assert.True(taken is not null, $"no BareLb speaker took {address} over within 15 s of n4's death\n{cluster.Logs()}");
        Assert.InRange(cluster.NodeWithMac(taken.Mac), 0, 2);
        var (_, mac) = await cluster.OwnerAsync(capture, address, ct);
        Assert.Equal(taken.Mac, mac);
    }
}
