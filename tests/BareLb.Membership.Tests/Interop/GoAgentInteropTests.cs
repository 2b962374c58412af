using System.Diagnostics;
using System.Net;
using BareLb.Membership.Codec;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;
using Microsoft.Extensions.Logging;

namespace BareLb.Membership.Tests.Interop;

/// <summary>
/// Wire-level interop with hashicorp/memberlist (Debian's 0.2.2, the Go agent configured as
/// MetalLB's speaker configures it) in two network namespaces: its packets decode, our acks keep
/// us alive in its eyes, push-pull works both ways, with and without MetalLB's key, and a
/// mismatched key is refused on both sides. Needs root, go and golang-github-hashicorp-memberlist-dev.
/// </summary>
[Collection(nameof(GoAgentInterop))]
public sealed class GoAgentInteropTests
{
    private static readonly IPEndPoint GoEndPoint = new(IPAddress.Parse(PeerPair.GoAddress), 7946);
    private static readonly IPAddress OurAddress = IPAddress.Parse(PeerPair.OurAddress);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GoAgentPacketsAllDecodeOurAcksKeepUsAliveAndItsLeaveArrives(bool encrypted)
    {
        Namespaces.RequireRoot();
        _ = GoAgent.RequirePath();
        using var secret = encrypted ? new SecretFile("the memberlist secret of this cluster\n") : null;
        using var pair = new PeerPair();
        using var agent = new AgentProcess(pair.Go, "go-agent", PeerPair.GoAddress, 7946, secret?.Path);
        await using var member = new WireMember(pair.Ours, "dotnet", OurAddress, Settings(secret));

        var (reason, state) = await member.PushPullAsync(GoEndPoint, join: true, TestContext.Current.CancellationToken);
        Assert.Equal(DropReason.None, reason);
        Assert.Contains(state!.Nodes, n => n.Name == "go-agent" && n.State == MemberWireState.Alive && n.Port == 7946);
        agent.WaitFor(l => l.StartsWith("join dotnet 198.18.7.2:7946", StringComparison.Ordinal));

        // memberlist probes each member once a second (LAN); four answered probes span its probe
        // timeout (500 ms) and suspicion timeout (4 s at two members) several times over.
        WaitUntil(() => member.AcksSent >= 5, "the agent to ping us five times", agent);
        Assert.Equal(0, agent.Members()["dotnet"]);
        Assert.DoesNotContain(member.Messages, m => m.Message is Suspect { Node: "dotnet" } or Dead { Node: "dotnet" });

        agent.Send("leave");
        WaitUntil(() => member.Messages.Any(m => m.Message is Dead { Node: "go-agent", From: "go-agent" }), "the agent's leave (dead from itself)", agent);

        Assert.NotEmpty(member.RawPackets);
        Assert.All(Enum.GetValues<DropReason>().Skip(1), r => Assert.Equal(0, member.Endpoint.Metrics.PacketsDropped(r)));
        Assert.Contains(member.Messages, m => m.Type == MessageType.Ping);
        if (!encrypted)
        {
            // Peers at protocol 5 get checksums; memberlist compresses whatever shrinks.
            Assert.Contains(member.RawPackets, p => p[0] == (byte)MessageType.HasCrc);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GoAgentJoiningUsRoundTripsPushPull(bool encrypted)
    {
        Namespaces.RequireRoot();
        _ = GoAgent.RequirePath();
        using var secret = encrypted ? new SecretFile("0123456789abcdef0123456789abcdef-and-more") : null;
        using var pair = new PeerPair();
        using var agent = new AgentProcess(pair.Go, "go-agent", PeerPair.GoAddress, 7946, secret?.Path);
        await using var member = new WireMember(pair.Ours, "dotnet", OurAddress, Settings(secret));

        agent.Send("join " + PeerPair.OurAddress + ":7946");
        agent.WaitFor(l => l == "joined 1");
        agent.WaitFor(l => l.StartsWith("join dotnet ", StringComparison.Ordinal));
        var received = Assert.Single(member.StatesReceived);
        Assert.True(received.Join);
        Assert.Contains(received.Nodes, n => n.Name == "go-agent" && n.Incarnation >= 1 && n.Vsn.Length == 6);
        Assert.Equal(0, member.Endpoint.Metrics.StreamsDropped(DropReason.Undecryptable));
    }

    [Fact]
    public async Task MismatchedKeysAreRefusedOnBothSidesWithOneLogLine()
    {
        Namespaces.RequireRoot();
        _ = GoAgent.RequirePath();
        using var theirs = new SecretFile("the Go agent's secret");
        using var ours = new SecretFile("a different secret");
        using var pair = new PeerPair();
        using var agent = new AgentProcess(pair.Go, "go-agent", PeerPair.GoAddress, 7946, theirs.Path);
        await using var member = new WireMember(pair.Ours, "dotnet", OurAddress, Settings(ours));

        // Ours to theirs: the agent cannot decrypt our state; its error comes back under its key.
        var (reason, state) = await member.PushPullAsync(GoEndPoint, join: true, TestContext.Current.CancellationToken);
        Assert.Null(state);
        Assert.Equal(DropReason.Undecryptable, reason);

        // Theirs to ours, twice: refused, counted each time, logged once.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var start = agent.Lines.Count;
            agent.Send("join " + PeerPair.OurAddress + ":7946");
            agent.WaitFor(l => l.StartsWith("joinerror", StringComparison.Ordinal), start);
        }

        WaitUntil(() => member.Endpoint.Metrics.StreamsDropped(DropReason.Undecryptable) >= 3, "three refused streams", agent);
        Assert.Empty(member.StatesReceived);
        Assert.DoesNotContain(agent.Lines, l => l.StartsWith("join dotnet", StringComparison.Ordinal));
        var warnings = member.Logger.Lines.Where(l => l.Level == LogLevel.Warning && l.Text.Contains("198.18.7.1", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("secret key differs", warnings[0].Text, StringComparison.Ordinal);
    }

    private static WireSettings Settings(SecretFile? secret)
        => secret is null ? WireSettings.Default : WireSettings.Default with { Keyring = new Keyring([MetalLbSecret.ReadKey(secret.Path)]) };

    private static void WaitUntil(Func<bool> condition, string what, AgentProcess agent)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Waited 20 s for {what}. Agent: {agent.Describe()}");
            Thread.Sleep(20);
        }
    }

    private sealed class SecretFile : IDisposable
    {
        public SecretFile(string secret)
        {
            Path = System.IO.Path.GetTempFileName();
            File.WriteAllText(Path, secret);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}

/// <summary>Interop tests run one at a time: each starts memberlist processes on fixed ports in its namespaces.</summary>
[CollectionDefinition(nameof(GoAgentInterop), DisableParallelization = true)]
public sealed class GoAgentInterop;
