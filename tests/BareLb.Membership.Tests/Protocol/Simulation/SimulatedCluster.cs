using System.Net;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Membership.Tests.Protocol.Simulation;

/// <summary>
/// N state machines on an in-memory network, all under one <see cref="FakeTimeProvider"/>, with
/// seeded random loss, delay, partitions and killed members. Everything runs on one thread in
/// simulated time, so a seed reproduces a run exactly.
/// </summary>
internal sealed class SimulatedCluster
{
    private readonly PriorityQueue<Action, (long Due, long Order)> _events = new();
    private readonly Dictionary<IPEndPoint, SimulatedMember> _byEndPoint = [];
    private long _order;

    public SimulatedCluster(int size, MembershipOptions options, int seed, int seedCount = 5)
    {
        Random = new Random(seed);
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Start = Time.GetUtcNow();
        for (var i = 0; i < size; i++)
        {
            var endPoint = new IPEndPoint(IPAddress.Parse($"198.18.{i / 250}.{(i % 250) + 1}"), 7946);
            var protocol = new MembershipProtocol(options, $"node-{i:D3}", endPoint, Time, new Random(Random.Next()));
            var member = new SimulatedMember(i, protocol, endPoint);
            Members.Add(member);
            _byEndPoint.Add(endPoint, member);
        }

        Seeds = [.. Members.Take(Math.Min(seedCount, size)).Select(m => m.EndPoint)];
    }

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Start { get; }

    public Random Random { get; }

    public List<SimulatedMember> Members { get; } = [];

    public IPEndPoint[] Seeds { get; }

    /// <summary>Every member event seen, in order.</summary>
    public List<(DateTimeOffset At, SimulatedMember Observer, MemberEvent Event)> Events { get; } = [];

    /// <summary>Probability that a packet is lost.</summary>
    public double Loss { get; set; }

    /// <summary>Fewest and most one-way delay of a packet.</summary>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMicroseconds(100);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMicroseconds(500);

    /// <summary>Partition group of each member (members in different groups cannot talk); null when whole.</summary>
    public int[]? Partition { get; set; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public void StartAll(TimeSpan spread)
    {
        // In order, each within its own slice of the spread, so that the join addresses (the first members) are up first.
        var slice = spread / Members.Count;
        foreach (var member in Members)
        {
            At(Now + (slice * member.Index) + Jitter(slice), () => StartMember(member));
        }
    }

    public void StartMember(SimulatedMember member)
    {
        if (member.Killed)
        {
            return;
        }

        member.Up = true;
        Process(member, member.Protocol.Start(Seeds));
    }

    public void Kill(SimulatedMember member)
    {
        member.Up = false;
        member.Killed = true;
    }

    public void Leave(SimulatedMember member) => Process(member, member.Protocol.Leave());

    /// <summary>Runs the simulation until <paramref name="until"/>, or earlier when <paramref name="stop"/> (checked every <paramref name="check"/>) holds; true if it stopped on the condition.</summary>
    public bool RunUntil(DateTimeOffset until, Func<bool>? stop = null, TimeSpan? check = null)
    {
        var step = check ?? TimeSpan.FromMilliseconds(10);
        var nextCheck = Now;
        while (true)
        {
            if (stop is not null && Now >= nextCheck)
            {
                if (stop())
                {
                    return true;
                }

                nextCheck = Now + step;
            }

            var limit = stop is null ? until : (nextCheck < until ? nextCheck : until);
            if (_events.TryPeek(out _, out var key) && key.Due <= limit.UtcTicks)
            {
                if (key.Due > Now.UtcTicks)
                {
                    Time.SetUtcNow(new DateTimeOffset(key.Due, TimeSpan.Zero));
                }

                _events.Dequeue()();
                continue;
            }

            if (limit > Now)
            {
                Time.SetUtcNow(limit);
            }

            if (Now >= until)
            {
                return stop?.Invoke() ?? false;
            }
        }
    }

    public bool RunFor(TimeSpan duration, Func<bool>? stop = null, TimeSpan? check = null) => RunUntil(Now + duration, stop, check);

    /// <summary>Whether every member that is up sees exactly the members that are up as live, and all of them alive.</summary>
    public bool Converged()
    {
        if (Members.Any(m => !m.Up && !m.Killed))
        {
            return false;
        }

        var up = Members.Where(m => m.Up).Select(m => m.Protocol.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var member in Members)
        {
            if (!member.Up)
            {
                continue;
            }

            var live = member.Protocol.LiveMembers;
            if (live.Count != up.Count || live.Any(l => l.Status != MemberStatus.Alive || !up.Contains(l.Name)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every member that is up sees <paramref name="subject"/> dead or left.</summary>
    public bool AllSeeGone(SimulatedMember subject) =>
        Members.Where(m => m.Up && m != subject).All(m => m.Protocol.Find(subject.Protocol.Name) is null or { IsLive: false });

    private void At(DateTimeOffset due, Action action) => _events.Enqueue(action, (due.UtcTicks, ++_order));

    private TimeSpan Jitter(TimeSpan max) => TimeSpan.FromTicks((long)(Random.NextDouble() * max.Ticks));

    private TimeSpan Delay() => MinDelay + Jitter(MaxDelay - MinDelay);

    private bool Blocked(SimulatedMember a, SimulatedMember b) => Partition is { } p && p[a.Index] != p[b.Index];

    private void Arm(SimulatedMember member)
    {
        var due = member.Protocol.NextDue;
        if (due == DateTimeOffset.MaxValue || due >= member.ArmedAt)
        {
            return;
        }

        member.ArmedAt = due;
        At(due + Jitter(member.Stall), () =>
        {
            if (member.ArmedAt != due)
            {
                return;
            }

            member.ArmedAt = DateTimeOffset.MaxValue;
            if (member.Up)
            {
                Process(member, member.Protocol.Tick());
            }
        });
    }

    private void Process(SimulatedMember from, IReadOnlyList<ProtocolOutput> outputs)
    {
        foreach (var output in outputs)
        {
            switch (output)
            {
                case SendPacket packet:
                    SendPacket(from, packet);
                    break;
                case OpenPushPull open:
                    PushPull(from, open);
                    break;
                case SendStreamPing ping:
                    StreamPing(from, ping);
                    break;
                case MemberChanged changed:
                    Events.Add((Now, from, changed.Event));
                    break;
                case LeaveFinished:
                    from.LeaveFinishedAt = Now;
                    break;
                default:
                    break;
            }
        }

        Arm(from);
    }

    private void SendPacket(SimulatedMember from, SendPacket packet)
    {
        from.PacketsSent++;
        if (!from.Up || !_byEndPoint.TryGetValue(packet.To, out var to) || Blocked(from, to) || Random.NextDouble() < Loss)
        {
            return;
        }

        At(Now + Delay() + Jitter(to.Stall), () =>
        {
            if (!to.Up)
            {
                return;
            }

            foreach (var message in packet.Messages)
            {
                Process(to, to.Protocol.HandlePacket(from.EndPoint, message));
            }
        });
    }

    private void PushPull(SimulatedMember from, OpenPushPull open)
    {
        var reachable = _byEndPoint.TryGetValue(open.To, out var to) && to.Up && !Blocked(from, to);
        if (!reachable)
        {
            At(Now + Delay(), () => Process(from, from.Protocol.FailPushPull(open.Id, "connection refused")));
            return;
        }

        var local = from.Protocol.LocalState();
        At(Now + Delay() + Delay(), () =>
        {
            if (!to!.Up)
            {
                Process(from, from.Protocol.FailPushPull(open.Id, "connection reset"));
                return;
            }

            var remote = to.Protocol.LocalState();
            Process(to, to.Protocol.HandlePushPull(from.EndPoint, open.Join, local));
            At(Now + Delay(), () =>
            {
                if (from.Up)
                {
                    Process(from, from.Protocol.CompletePushPull(open.Id, remote));
                }
            });
        });
    }

    private void StreamPing(SimulatedMember from, SendStreamPing ping)
    {
        var reachable = _byEndPoint.TryGetValue(ping.To, out var to) && to.Up && !Blocked(from, to) && Random.NextDouble() >= Loss;
        var answerAt = Now + Delay() + Delay() + Delay();
        var contacted = reachable && answerAt < ping.Deadline;
        At(contacted ? answerAt : ping.Deadline - TimeSpan.FromTicks(1), () =>
        {
            if (from.Up)
            {
                Process(from, from.Protocol.CompleteStreamPing(ping.Ping.SeqNo, contacted && to!.Up));
            }
        });
    }
}

/// <summary>One member of a <see cref="SimulatedCluster"/>.</summary>
internal sealed class SimulatedMember(int index, MembershipProtocol protocol, IPEndPoint endPoint)
{
    public int Index { get; } = index;

    public MembershipProtocol Protocol { get; } = protocol;

    public IPEndPoint EndPoint { get; } = endPoint;

    public bool Up { get; set; }

    public bool Killed { get; set; }

    /// <summary>Longest random stall before this member handles a packet or a timer, as on a CPU-starved machine.</summary>
    public TimeSpan Stall { get; set; }

    public DateTimeOffset ArmedAt { get; set; } = DateTimeOffset.MaxValue;

    public DateTimeOffset? LeaveFinishedAt { get; set; }

    public long PacketsSent { get; set; }

    public override string ToString() => Protocol.Name;
}
