using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using BareLb.Membership.Hosting;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Detection;

/// <summary>
/// N <see cref="MembershipNode"/>s in one process, each in its own namespace of a <see cref="Lab"/>,
/// at BareLb's default timings. Every member change any member sees is recorded with a
/// <see cref="Stopwatch"/> timestamp.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private readonly Lab _lab;
    private readonly MembershipOptions _timings;
    private readonly MembershipNode?[] _nodes;
    private readonly string[] _names;
    private int _generation;

    public Cluster(Lab lab, MembershipOptions timings)
    {
        _lab = lab;
        _timings = timings;
        _nodes = new MembershipNode?[lab.Members];
        _names = new string[lab.Members];
    }

    /// <summary>Member changes: who saw what about whom, and when (Stopwatch ticks).</summary>
    public ConcurrentQueue<(int Observer, MemberEvent Change, long At)> Changes { get; } = new();

    public int Count => _nodes.Length;

    public string NameOf(int member) => _names[member];

    /// <summary>The highest Lifeguard health score among the running members.</summary>
    public int MaxHealthScore => _nodes.Where(n => n is not null).Max(n => n!.HealthScore);

    public IReadOnlyList<IPEndPoint> Seeds => [.. Enumerable.Range(0, Math.Min(3, Count)).Select(i => new IPEndPoint(_lab.AddressOf(i), 7946))];

    public async Task StartAllAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            await StartAsync(i);
        }

        await WaitConvergedAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Starts member <paramref name="index"/> under a fresh name.</summary>
    public async Task StartAsync(int index)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"m{index}-g{Interlocked.Increment(ref _generation)}");
        var options = new MembershipNodeOptions
        {
            NodeName = name,
            BindAddress = _lab.AddressOf(index),
            Timings = _timings,
            SocketFactory = (family, type, protocol) => _lab.CreateSocket(index, family, type, protocol),
        };
        var node = await MembershipNode.StartAsync(options, Seeds);
        node.MemberChanged += (_, change) => Changes.Enqueue((index, change, Stopwatch.GetTimestamp()));
        _names[index] = name;
        _nodes[index] = node;
    }

    /// <summary>Stops a member without a word, as SIGKILL does: its sockets close.</summary>
    public async Task KillAsync(int index)
    {
        if (_nodes[index] is { } node)
        {
            _nodes[index] = null;
            await node.DisposeAsync();
        }
    }

    /// <summary>Leaves gracefully; the node stays up (answering) until killed.</summary>
    public Task LeaveAsync(int index) => _nodes[index]!.LeaveAsync(TimeSpan.FromSeconds(1));

    /// <summary>Waits until every running member sees exactly the running members as live.</summary>
    public async Task WaitConvergedAsync(TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var running = Enumerable.Range(0, Count).Where(i => _nodes[i] is not null).ToArray();
            var expected = running.Select(i => _names[i]).Order(StringComparer.Ordinal).ToArray();
            if (running.All(i => _nodes[i]!.LiveMembers.Select(m => m.Name).SequenceEqual(expected)))
            {
                return;
            }

            if (deadline.Elapsed > limit)
            {
                var worst = running.Select(i => (i, _nodes[i]!.LiveMembers.Count)).MinBy(x => x.Count);
                var missing = _nodes[worst.i]!.Members.Where(m => !m.IsLive && expected.Contains(m.Name)).Select(m => $"{m.Name} {m.Status} inc {m.Incarnation}");
                var unknown = expected.Except(_nodes[worst.i]!.Members.Select(m => m.Name));
                var others = running.Where(i => _nodes[i]!.LiveMembers.Count != running.Length).Select(i => $"{i} ({_nodes[i]!.LiveMembers.Count})");
                throw new TimeoutException($"The cluster did not converge in {limit}: member {worst.i} sees {worst.Count} of {running.Length} live; not live: {string.Join(", ", missing)}; unknown: {string.Join(", ", unknown)}; health {_nodes[worst.i]!.HealthScore}. Members seeing another number live: {string.Join(", ", others)}.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Count; i++)
        {
            await KillAsync(i);
        }
    }
}
