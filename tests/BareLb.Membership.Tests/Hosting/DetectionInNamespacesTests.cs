using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Topology;
using BareLb.Membership.Hosting;
using BareLb.Membership.Protocol;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Hosting;

/// <summary>
/// Three members at BareLb's default timings, each in a namespace of a BareLb.Lab on a bridge: a
/// member killed (sockets closed), one whose link goes down, and one that leaves are each seen by
/// both others, and nobody else is declared dead. The times are reported, not asserted (the
/// harness in benchmarks/BareLb.Membership.Detection measures them over many runs).
/// </summary>
public sealed class DetectionInNamespacesTests
{
    [Fact]
    public async Task KilledCutOffAndLeavingMembersAreSeenByEveryOtherMember()
    {
        Namespaces.RequireRoot();
        using var lab = NetworkLab.Create(new LabOptions { Prefix = "blmd", Nodes = 3, Client = false, Api = false, Ipv4Subnet = IPNetwork.Parse("198.18.37.0/24") });
        var changes = new ConcurrentQueue<(int Observer, MemberEvent Change, long At)>();
        var nodes = new MembershipNode?[3];
        var generation = 0;
        try
        {
            async Task Start(int i)
            {
                var host = lab.Nodes[i];
                var options = new MembershipNodeOptions
                {
                    NodeName = $"m{i}-{++generation}",
                    BindAddress = host.Ipv4,
                    SocketFactory = (family, type, protocol) => NetworkNamespaces.Run(host.Namespace, () => new Socket(family, type, protocol)),
                };
                var node = await MembershipNode.StartAsync(options, lab.Nodes.Select(n => new IPEndPoint(n.Ipv4, 7946)), TestContext.Current.CancellationToken);
                node.MemberChanged += (_, change) => changes.Enqueue((i, change, Stopwatch.GetTimestamp()));
                nodes[i] = node;
            }

            for (var i = 0; i < 3; i++)
            {
                await Start(i);
            }

            await Converged(nodes);
            var report = new List<string>();
            foreach (var (failure, victim) in new[] { ("killed", 0), ("link down", 1), ("left", 2) })
            {
                var name = nodes[victim]!.Name;
                var mark = changes.Count;
                var started = Stopwatch.GetTimestamp();
                switch (failure)
                {
                    case "killed":
                        await nodes[victim]!.DisposeAsync();
                        break;
                    case "link down":
                        lab.Nodes[victim].SetLink(up: false);
                        break;
                    default:
                        await nodes[victim]!.LeaveAsync(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
                        break;
                }

                var kind = failure == "left" ? MemberEventKind.Left : MemberEventKind.Dead;
                var observers = Enumerable.Range(0, 3).Where(i => i != victim).ToArray();
                await WaitUntil(() => observers.All(o => changes.Any(c => c.Observer == o && c.Change.Member.Name == name && c.Change.Kind == kind)), $"both others see {name} {kind}");
                var last = observers.Max(o => changes.Where(c => c.Observer == o && c.Change.Member.Name == name && c.Change.Kind == kind).Min(c => c.At));
                report.Add($"{failure}: {Stopwatch.GetElapsedTime(started, last).TotalMilliseconds:0} ms");
                Assert.DoesNotContain(changes.Skip(mark), c => c.Change.Kind == MemberEventKind.Dead && c.Change.Member.Name != name);

                // Back under a new name, for the next failure.
                await nodes[victim]!.DisposeAsync();
                if (failure == "link down")
                {
                    lab.Nodes[victim].SetLink(up: true);
                }

                await Start(victim);
                await Converged(nodes);
            }

            TestContext.Current.SendDiagnosticMessage("Seen by every other member after: " + string.Join(", ", report));
        }
        finally
        {
            foreach (var node in nodes)
            {
                if (node is not null)
                {
                    await node.DisposeAsync();
                }
            }
        }
    }

    private static Task Converged(MembershipNode?[] nodes)
        => WaitUntil(() => nodes.All(n => n!.LiveMembers.Select(m => m.Name).SequenceEqual(nodes.Select(x => x!.Name).Order(StringComparer.Ordinal))), "all three see the three live");

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"Timed out waiting until {what}.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
