using System.Net;
using System.Net.Sockets;
using BareLb.Membership.Hosting;
using BareLb.Membership.Protocol;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Hosting;

/// <summary>The public <see cref="MembershipNode"/>: options checked at start, three members in one namespace join, leave and die.</summary>
public sealed class MembershipNodeTests
{
    [Fact]
    public async Task InvalidOptionsAreRefusedNamingEachField()
    {
        var options = new MembershipNodeOptions
        {
            NodeName = " ",
            BindPort = 70000,
            SecretKey = new byte[7],
        };
        options.Timings.ProbeInterval = TimeSpan.Zero;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => MembershipNode.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("NodeName", error.Message, StringComparison.Ordinal);
        Assert.Contains("BindPort 70000", error.Message, StringComparison.Ordinal);
        Assert.Contains("AdvertiseAddress is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("SecretKey is 7 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Timings.ProbeInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreeMembersJoinThenOneLeavesAndOneDies()
    {
        Namespaces.RequireRoot();
        var ns = Namespaces.Create("node");
        var nodes = new List<MembershipNode>();
        try
        {
            var key = new byte[32];
            Random.Shared.NextBytes(key);
            StartNodes(ns, 3, key, nodes);

            await WaitUntil(() => nodes.All(n => n.LiveMembers.Count == 3), () => "all three see three live members: " + string.Join(", ", nodes.Select(n => n.Name + ":" + string.Join("/", n.Members.Select(m => m.Name + m.Status)))));

            var seen = new List<MemberEvent>();
            nodes[0].MemberChanged += (_, e) =>
            {
                lock (seen)
                {
                    seen.Add(e);
                }
            };
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            var watched = WatchUntil(nodes[1], MemberEventKind.Left, "n2", watching.Token);

            await nodes[2].LeaveAsync(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
            Assert.True(nodes[2].HasLeft);
            await nodes[2].DisposeAsync();
            Assert.Equal("n2", (await watched).Member.Name);
            await WaitUntil(() => Seen(seen, MemberEventKind.Left, "n2"), "n0 is told that n2 left");

            // n1 dies without a word: n0 declares it dead.
            await nodes[1].DisposeAsync();
            await WaitUntil(() => Seen(seen, MemberEventKind.Dead, "n1"), "n0 declares n1 dead");
            Assert.Equal(["n0"], nodes[0].LiveMembers.Select(m => m.Name));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Namespaces.Delete(ns);
        }
    }

    [Fact]
    public async Task OnTheSystemClock_TheReceiveThreadRunsTheTimers_NotATimerThreadOfItsOwn()
    {
        Namespaces.RequireRoot();
        var ns = Namespaces.Create("node");
        var nodes = new List<MembershipNode>();
        try
        {
            StartNodes(ns, 2, key: null, nodes);

            await WaitUntil(() => nodes.All(n => n.LiveMembers.Count == 2), "both see two live members");
            var node = nodes[0].Node;
            var (timer, receive) = (node.TimerThreadTicks, node.ReceiveThreadTicks);

            // 100 timer runs are about two seconds of probing (one probe every 40 ms, its timeout cancelled by the ack).
            await WaitUntil(() => node.ReceiveThreadTicks - receive >= 100, () => $"the receive thread ran timers 100 times (it ran them {node.ReceiveThreadTicks - receive} times)");

            Assert.True(node.TimerThreadTicks - timer <= 5, $"the timer thread ran them {node.TimerThreadTicks - timer} times meanwhile");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            Namespaces.Delete(ns);
        }
    }

    /// <summary>Starts <paramref name="count"/> nodes n0, n1, ... on 198.18.9.1, .2, ... in <paramref name="ns"/>, each joining n0, into <paramref name="nodes"/>.</summary>
    private static void StartNodes(string ns, int count, byte[]? key, List<MembershipNode> nodes)
    {
        var addresses = Enumerable.Range(1, count).Select(i => IPAddress.Parse($"198.18.9.{i}")).ToArray();
        foreach (var address in addresses)
        {
            Namespaces.Exec(ns, "ip", "addr", "add", address + "/32", "dev", "lo");
        }

        foreach (var (address, i) in addresses.Select((a, i) => (a, i)))
        {
            var options = new MembershipNodeOptions
            {
                NodeName = $"n{i}",
                BindAddress = address,
                SecretKey = key,
                SocketFactory = (family, type, protocol) => Namespaces.Run(ns, () => new Socket(family, type, protocol)),
            };
            var join = i == 0 ? [] : new[] { new IPEndPoint(addresses[0], 7946) };
            nodes.Add(Namespaces.Run(ns, () => MembershipNode.StartAsync(options, join).GetAwaiter().GetResult()));
        }
    }

    private static bool Seen(List<MemberEvent> seen, MemberEventKind kind, string name)
    {
        lock (seen)
        {
            return seen.Exists(e => e.Kind == kind && e.Member.Name == name);
        }
    }

    private static async Task<MemberEvent> WatchUntil(MembershipNode node, MemberEventKind kind, string name, CancellationToken cancellationToken)
    {
        await foreach (var change in node.WatchAsync(cancellationToken))
        {
            if (change.Kind == kind && change.Member.Name == name)
            {
                return change;
            }
        }

        throw new InvalidOperationException("The watch ended.");
    }

    private static Task WaitUntil(Func<bool> condition, string what) => WaitUntil(condition, () => what);

    private static async Task WaitUntil(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what()}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
