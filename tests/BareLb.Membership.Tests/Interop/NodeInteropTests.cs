using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BareLb.Membership.Codec;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Hosting;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;
using BareLb.Membership.Transport;

namespace BareLb.Membership.Tests.Interop;

/// <summary>
/// Our protocol over our wire beside the Go agent (memberlist 0.2.2 as MetalLB configures it), in
/// network namespaces: each side sees the other join, leave gracefully, and die; with and without
/// MetalLB's key. Needs root, go and golang-github-hashicorp-memberlist-dev.
/// </summary>
[Collection(nameof(GoAgentInterop))]
public sealed class NodeInteropTests
{
    private static readonly IPEndPoint GoEndPoint = new(IPAddress.Parse(PeerPair.GoAddress), 7946);
    private static readonly IPEndPoint OurEndPoint = new(IPAddress.Parse(PeerPair.OurAddress), 7946);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EachSideSeesTheOtherJoinAndLeave(bool encrypted)
    {
        Namespaces.RequireRoot();
        _ = GoAgent.RequirePath();
        using var secret = encrypted ? new TempSecret("metallb memberlist secret") : null;
        using var pair = new PeerPair();
        using var agent = new AgentProcess(pair.Go, "go-agent", PeerPair.GoAddress, 7946, secret?.Path);
        await using var node = StartNode(pair.Ours, secret, join: GoEndPoint);

        await WaitForEvent(node, MemberEventKind.Joined, "go-agent", agent);
        agent.WaitFor(l => l.StartsWith("join dotnet 198.18.7.2:7946", StringComparison.Ordinal));

        // The agent leaves: we see it left, not dead.
        agent.Send("leave");
        await WaitForEvent(node, MemberEventKind.Left, "go-agent", agent);
        Assert.All(Enum.GetValues<DropReason>().Skip(1), r => Assert.Equal(0, node.Wire.Metrics.PacketsDropped(r)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GoAgentSeesUsJoinAndLeaveAndDie(bool encrypted)
    {
        Namespaces.RequireRoot();
        _ = GoAgent.RequirePath();
        using var secret = encrypted ? new TempSecret("another memberlist secret, longer than thirty-two bytes") : null;
        using var pair = new PeerPair();
        using var agent = new AgentProcess(pair.Go, "go-agent", PeerPair.GoAddress, 7946, secret?.Path);

        // Graceful leave: the agent reports it at once (memberlist's NotifyLeave), and its Members()
        // no longer lists us (it lists neither dead nor left members).
        var node = StartNode(pair.Ours, secret, join: GoEndPoint);
        agent.WaitFor(l => l.StartsWith("join dotnet ", StringComparison.Ordinal));
        var mark = agent.Lines.Count;
        var clock = Stopwatch.StartNew();
        await node.LeaveAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        agent.WaitFor(l => l == "leave dotnet", mark);
        var leaveSeen = clock.Elapsed;
        await node.DisposeAsync();
        Assert.DoesNotContain("dotnet", agent.Members().Keys);

        // Rejoin, then die without a word: the agent's probes fail and it declares us dead.
        mark = agent.Lines.Count;
        node = StartNode(pair.Ours, secret, join: GoEndPoint);
        agent.WaitFor(l => l.StartsWith("join dotnet ", StringComparison.Ordinal), mark);
        mark = agent.Lines.Count;
        await node.DisposeAsync();
        agent.WaitFor(l => l == "leave dotnet", mark);
        Assert.DoesNotContain("dotnet", agent.Members().Keys);
        TestContext.Current.SendDiagnosticMessage($"Go agent saw our leave after {leaveSeen.TotalMilliseconds:0} ms");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WeSeeTheGoAgentDie(bool encrypted)
    {
        Namespaces.RequireRoot();
        _ = GoAgent.RequirePath();
        using var secret = encrypted ? new TempSecret("k") : null;
        using var pair = new PeerPair();
        var agent = new AgentProcess(pair.Go, "go-agent", PeerPair.GoAddress, 7946, secret?.Path);
        await using var node = StartNode(pair.Ours, secret, join: GoEndPoint);
        await WaitForEvent(node, MemberEventKind.Joined, "go-agent", agent);

        var clock = Stopwatch.StartNew();
        agent.Kill();
        await WaitForEvent(node, MemberEventKind.Dead, "go-agent", agent);
        TestContext.Current.SendDiagnosticMessage($"We declared the killed Go agent dead after {clock.Elapsed.TotalMilliseconds:0} ms");
        agent.Dispose();
    }

    private static MemberlistNode StartNode(string ns, TempSecret? secret, IPEndPoint join)
    {
        var settings = secret is null ? WireSettings.Default : WireSettings.Default with { Keyring = new Keyring([MetalLbSecret.ReadKey(secret.Path)]) };
        var transport = new MemberlistTransport(
            new MemberlistTransportOptions { BindAddress = OurEndPoint.Address, BindPort = 7946 },
            TimeProvider.System,
            null,
            (family, type, protocol) => Namespaces.Run(ns, () => new Socket(family, type, protocol)));
        Namespaces.Run(ns, () =>
        {
            transport.Start();
            return true;
        });
        var node = new MemberlistNode(new MembershipOptions(), "dotnet", settings, transport, OurEndPoint);
        node.Start([join]);
        return node;
    }

    private static async Task WaitForEvent(MemberlistNode node, MemberEventKind kind, string name, AgentProcess agent)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var change = await node.Events.ReadAsync(timeout.Token);
                if (change.Kind == kind && change.Member.Name == name)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No {kind} event for {name} in 20 s. Agent: {agent.Describe()}");
        }
    }

    private sealed class TempSecret : IDisposable
    {
        public TempSecret(string secret)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, secret);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
