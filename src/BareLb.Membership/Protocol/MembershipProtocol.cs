using System.Net;
using System.Text;
using BareLb.Membership.Messages;
using BareLb.Membership.Metrics;
using BareLb.Membership.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Membership.Protocol;

/// <summary>
/// hashicorp/memberlist's protocol as a pure state machine: SWIM probes (direct, indirect with
/// nacks, TCP fallback), Lifeguard (local health awareness, suspicion shortened by independent
/// confirmations, suspect piggybacked on the probe), refutation, gossip with transmit limits,
/// push-pull state exchange, joins, rejoins and graceful leave. It never touches a socket or a
/// clock: the host feeds it decoded messages and calls <see cref="Tick"/> at <see cref="NextDue"/>,
/// and performs the <see cref="ProtocolOutput"/>s each call returns; time comes from the
/// <see cref="TimeProvider"/>. Not thread-safe: one caller at a time.
/// </summary>
internal sealed partial class MembershipProtocol
{
    private static readonly IReadOnlyList<ProtocolOutput> NoOutputs = [];

    private readonly MembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly MembershipMetrics? _metrics;
    private readonly IMessageSizer _sizer;
    private readonly Member _self;
    private readonly byte[] _vsn;
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Member>.AlternateLookup<ReadOnlySpan<char>> _membersByName;
    private readonly byte[] _nameUtf8;
    private readonly Action _probeTick;
    private readonly List<Member> _nodes = [];
    private readonly BroadcastQueue _broadcasts = new();
    private readonly Awareness _awareness;
    private readonly TimerQueue _timers = new();
    private readonly Dictionary<uint, AckHandler> _ackHandlers = [];
    private readonly Dictionary<long, PendingPushPull> _pushPulls = [];
    private readonly Dictionary<uint, ProbeRound> _fallbacks = [];
    private IPEndPoint[] _seeds = [];
    private List<ProtocolOutput>? _outputs;
    private MemberInfo[]? _liveView;
    private MemberInfo[]? _allView;
    private int _probeIndex;
    private uint _incarnation;
    private uint _sequence;
    private long _nextPushPullId;
    private bool _started;
    private bool _left;
    private bool _leaveFinished;
    private bool _rejoinScheduled;
    private bool _gossipResting;
    private DateTimeOffset _lastGossipRound;

    /// <summary>Creates the local member <paramref name="name"/>, reachable at <paramref name="advertise"/>, not yet started.</summary>
    public MembershipProtocol(
        MembershipOptions options,
        string name,
        IPEndPoint advertise,
        TimeProvider time,
        Random? random = null,
        ILogger? logger = null,
        MembershipMetrics? metrics = null,
        IMessageSizer? sizer = null,
        byte[]? meta = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(advertise);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        _options = options.Clone();
        _time = time;
        _random = random ?? new Random();
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _sizer = sizer ?? new EstimatedMessageSizer();
        _awareness = new Awareness(_options.AwarenessMaxMultiplier);
        _vsn = [1, 5, _options.ProtocolVersion, 0, 0, 0];
        var address = advertise.Address.IsIPv4MappedToIPv6 ? advertise.Address.MapToIPv4() : advertise.Address;
        _self = new Member(name, address.GetAddressBytes(), (ushort)advertise.Port, meta ?? [], _vsn, isLocal: true);
        _membersByName = _members.GetAlternateLookup<ReadOnlySpan<char>>();
        _nameUtf8 = Encoding.UTF8.GetBytes(name);
        _probeTick = ProbeTick;
    }

    /// <summary>The local member's name.</summary>
    public string Name => _self.Name;

    /// <summary>The local member's incarnation number.</summary>
    public uint Incarnation => _self.Incarnation;

    /// <summary>The Lifeguard health score (0 healthy).</summary>
    public int HealthScore => _awareness.Score;

    /// <summary>Whether <see cref="Leave"/> was called.</summary>
    public bool HasLeft => _left;

    /// <summary>When <see cref="Tick"/> should next be called; <see cref="DateTimeOffset.MaxValue"/> before <see cref="Start"/>.</summary>
    public DateTimeOffset NextDue => _timers.NextDue;

    /// <summary>Members known (the local one included), counting dead ones not yet forgotten: memberlist's estimate of the cluster size.</summary>
    public int EstimatedMembers => _nodes.Count;

    /// <summary>Broadcasts waiting to be gossiped.</summary>
    public int PendingBroadcasts => _broadcasts.Count;

    /// <summary>The live members (alive or suspect, the local one included), sorted by name; a snapshot that later changes do not touch.</summary>
    public IReadOnlyList<MemberInfo> LiveMembers => _liveView ??= [.. _nodes.Where(static m => !m.DeadOrLeft).Select(static m => m.Info).OrderBy(static m => m.Name, StringComparer.Ordinal)];

    /// <summary>Every member known, dead and left ones included until they are forgotten, sorted by name.</summary>
    public IReadOnlyList<MemberInfo> Members => _allView ??= [.. _nodes.Select(static m => m.Info).OrderBy(static m => m.Name, StringComparer.Ordinal)];

    /// <summary>The gossip waiting to be sent about <paramref name="node"/>, if any.</summary>
    internal object? PendingBroadcast(string node) => _broadcasts.Pending(node);

    /// <summary>How often the gossip about <paramref name="node"/> has been sent, -1 when none is waiting.</summary>
    internal int BroadcastTransmits(string node) => _broadcasts.TransmitsOf(node);

    /// <summary>The member called <paramref name="name"/>, if known.</summary>
    public MemberInfo? Find(string name) => _members.TryGetValue(name, out var member) ? member.Info : null;

    /// <summary>
    /// Declares the local member alive, starts the timers (each with a random stagger, as memberlist)
    /// and asks to join <paramref name="joinAddresses"/> by push-pull; with a rejoin interval, they are
    /// retried while not live members.
    /// </summary>
    public IReadOnlyList<ProtocolOutput> Start(IEnumerable<IPEndPoint>? joinAddresses = null)
    {
        if (_started)
        {
            throw new InvalidOperationException($"Member {_self.Name} has already started.");
        }

        _started = true;
        return Run(() =>
        {
            _seeds = [.. (joinAddresses ?? []).Select(Normalize).Where(e => !e.Equals(_self.EndPoint)).Distinct()];
            var alive = new Alive(++_incarnation, _self.Name, _self.Addr, _self.Port, _self.Meta, _vsn);
            AliveNode(alive, bootstrap: true, finished: null);
            var now = Now;
            ScheduleProbeTick(now + Stagger(ProbeIntervalNow));
            _metrics?.SetProbeInterval(ProbeIntervalNow);
            if (_options.GossipInterval > TimeSpan.Zero && _options.GossipNodes > 0)
            {
                _timers.Schedule(now + Stagger(_options.GossipInterval), GossipTick);
            }

            if (_options.PushPullInterval > TimeSpan.Zero)
            {
                _timers.Schedule(now + Stagger(_options.PushPullInterval), PushPullTick);
            }

            ScheduleRejoin();
            foreach (var seed in _seeds)
            {
                StartPushPull(seed, null, join: true);
            }
        });
    }

    /// <summary>
    /// Joins <paramref name="joinAddresses"/> after <see cref="Start"/>: asks each by push-pull and,
    /// with a rejoin interval, retries them while they are not live members, as the join addresses
    /// given to <see cref="Start"/>.
    /// </summary>
    public IReadOnlyList<ProtocolOutput> Join(IEnumerable<IPEndPoint> joinAddresses)
    {
        ArgumentNullException.ThrowIfNull(joinAddresses);
        if (!_started)
        {
            throw new InvalidOperationException($"Member {_self.Name} has not started.");
        }

        return Run(() =>
        {
            if (_left)
            {
                return;
            }

            var added = joinAddresses.Select(Normalize).Where(e => !e.Equals(_self.EndPoint)).Distinct().ToArray();
            _seeds = [.. _seeds.Concat(added).Distinct()];
            ScheduleRejoin();
            foreach (var seed in added)
            {
                if (!PushPullPendingTo(seed))
                {
                    StartPushPull(seed, null, join: true);
                }
            }
        });
    }

    /// <summary>Runs the timers that are due.</summary>
    public IReadOnlyList<ProtocolOutput> Tick() => Run(() => _timers.RunDue(Now));

    /// <summary>Handles one message received in a UDP packet from <paramref name="from"/> (each message of a compound separately).</summary>
    public IReadOnlyList<ProtocolOutput> HandlePacket(IPEndPoint from, object message, DateTimeOffset? receivedAt = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(message);
        return Run(() => Dispatch(from, message, receivedAt ?? Now));
    }

    /// <summary>The local state to send in a push-pull: every member known, dead ones included.</summary>
    public IReadOnlyList<PushNodeState> LocalState()
    {
        var state = new PushNodeState[_nodes.Count];
        for (var i = 0; i < _nodes.Count; i++)
        {
            var m = _nodes[i];
            state[i] = new PushNodeState(m.Name, m.Addr, m.Port, m.Meta, m.Incarnation, (MemberWireState)m.Status, m.Vsn);
        }

        return state;
    }

    /// <summary>Merges the state a peer pushed on a stream it opened (after the host answered with <see cref="LocalState"/>).</summary>
    public IReadOnlyList<ProtocolOutput> HandlePushPull(IPEndPoint from, bool join, IReadOnlyList<PushNodeState> remote)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(remote);
        return Run(() =>
        {
            if (MergeRemoteState(remote) is { } error)
            {
                Log.PushPullRefused(_logger, from, error);
            }
        });
    }

    /// <summary>Merges the peer's state read on a push-pull stream that <see cref="OpenPushPull"/> <paramref name="id"/> asked for.</summary>
    public IReadOnlyList<ProtocolOutput> CompletePushPull(long id, IReadOnlyList<PushNodeState> remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return Run(() =>
        {
            if (!_pushPulls.Remove(id, out var pending))
            {
                return;
            }

            var error = MergeRemoteState(remote);
            if (error is not null)
            {
                Log.PushPullRefused(_logger, pending.To, error);
            }
            else if (pending.Join)
            {
                Log.Joined(_logger, pending.To, remote.Count);
            }

            Emit(new PushPullFinished(id, pending.To, pending.Join, error));
        });
    }

    /// <summary>Records that push-pull <paramref name="id"/> failed (no connection, timeout, bad stream).</summary>
    public IReadOnlyList<ProtocolOutput> FailPushPull(long id, string reason)
    {
        return Run(() =>
        {
            if (_pushPulls.Remove(id, out var pending))
            {
                Log.PushPullFailed(_logger, pending.To, pending.Join, reason);
                Emit(new PushPullFinished(id, pending.To, pending.Join, reason));
            }
        });
    }

    /// <summary>The answer to a ping received on a TCP stream, or null when it is meant for another member.</summary>
    public AckResponse? AnswerStreamPing(Ping ping)
    {
        ArgumentNullException.ThrowIfNull(ping);
        _metrics?.Received(ping);
        if (!string.IsNullOrEmpty(ping.Node) && ping.Node != _self.Name)
        {
            _metrics?.Rejected(ping, "wrong_node");
            Log.PingForOtherNode(_logger, ping.Node, _self.Name);
            return null;
        }

        return new AckResponse(ping.SeqNo, []);
    }

    /// <summary>
    /// Leaves the cluster gracefully: declares the local member dead with itself as the source (so
    /// others mark it left), gossips that, and, with <see cref="MembershipOptions.SendLeaveToAll"/>,
    /// sends it to every live member at once. <see cref="LeaveFinished"/> comes out when the news has
    /// been gossiped its last time, or at once when nobody else is alive. Probing stops; answers continue.
    /// </summary>
    public IReadOnlyList<ProtocolOutput> Leave()
    {
        return Run(() =>
        {
            if (_left || !_started)
            {
                return;
            }

            _left = true;
            var dead = new Dead(_self.Incarnation, _self.Name, _self.Name);
            DeadNode(dead);
            if (_options.SendLeaveToAll)
            {
                foreach (var member in _nodes)
                {
                    if (!member.IsLocal && !member.DeadOrLeft)
                    {
                        SendRaw(member.EndPoint, member.Name, [dead]);
                    }
                }
            }

            if (!AnyAlive())
            {
                FinishLeave();
            }
        });
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private void ScheduleRejoin()
    {
        if (!_rejoinScheduled && _options.RejoinInterval > TimeSpan.Zero && _seeds.Length > 0)
        {
            _rejoinScheduled = true;
            _timers.Schedule(Now + _options.RejoinInterval, RejoinTick);
        }
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private TimeSpan Stagger(TimeSpan interval) => TimeSpan.FromTicks((long)(_random.NextDouble() * interval.Ticks));

    private IReadOnlyList<ProtocolOutput> Run(Action action)
    {
        var outer = BeginCall();
        action();
        return EndCall(outer);
    }

    /// <summary>Starts collecting a call's outputs (a call may run inside another's action); pass the result to <see cref="EndCall"/>.</summary>
    private List<ProtocolOutput>? BeginCall()
    {
        var outer = _outputs;
        _outputs = null;
        return outer;
    }

    /// <summary>Updates the metrics and returns the outputs collected since <see cref="BeginCall"/> (a shared empty list when none).</summary>
    private IReadOnlyList<ProtocolOutput> EndCall(List<ProtocolOutput>? outer)
    {
        UpdateMetrics();
        var produced = _outputs;
        _outputs = outer;
        return (IReadOnlyList<ProtocolOutput>?)produced ?? NoOutputs;
    }

    private void Emit(ProtocolOutput output) => (_outputs ??= []).Add(output);

    private void Changed(Member member)
    {
        member.Changed();
        _liveView = null;
        _allView = null;
    }

    private void Notify(MemberEventKind kind, Member member) => Emit(new MemberChanged(new MemberEvent(kind, member.Info, Now)));

    private void UpdateMetrics()
    {
        if (_metrics is null)
        {
            return;
        }

        int alive = 0, suspect = 0, dead = 0, left = 0;
        foreach (var member in _nodes)
        {
            switch (member.Status)
            {
                case MemberStatus.Alive: alive++; break;
                case MemberStatus.Suspect: suspect++; break;
                case MemberStatus.Dead: dead++; break;
                default: left++; break;
            }
        }

        _metrics.SetMembers(alive, suspect, dead, left);
        _metrics.SetHealthScore(_awareness.Score);
    }

    /// <summary>Sends <paramref name="message"/> with as much pending gossip piggybacked as fits the packet.</summary>
    private void Send(IPEndPoint to, string? node, object message)
    {
        var messages = new List<object>(4) { message };
        var budget = _options.UdpBufferSize - _sizer.SizeOf(message) - CompoundHeaderOverhead - _sizer.PacketOverhead;
        _broadcasts.Take(CompoundOverhead, budget, TransmitLimit, messages);
        SendRaw(to, node, messages);
    }

    private void SendRaw(IPEndPoint to, string? node, IReadOnlyList<object> messages)
    {
        if (_metrics is not null)
        {
            foreach (var message in messages)
            {
                _metrics.Sent(message);
            }
        }

        Emit(new SendPacket(to, node, messages));
    }

    /// <summary>memberlist's assumed compound header (type and count).</summary>
    private const int CompoundHeaderOverhead = 2;

    /// <summary>memberlist's assumed cost of each message in a compound (its length).</summary>
    private const int CompoundOverhead = 2;

    private int TransmitLimit => ProtocolMath.RetransmitLimit(_options.RetransmitMult, _nodes.Count);

    private void Broadcast(string node, object message, Action? finished = null)
    {
        _broadcasts.Enqueue(node, message, _sizer.SizeOf(message), finished);
        WakeGossip();
    }

    private bool AnyAlive()
    {
        foreach (var member in _nodes)
        {
            if (!member.IsLocal && !member.DeadOrLeft)
            {
                return true;
            }
        }

        return false;
    }

    private void FinishLeave()
    {
        if (!_leaveFinished)
        {
            _leaveFinished = true;
            Log.LeaveFinished(_logger, _self.Name);
            Emit(new LeaveFinished());
        }
    }

    private sealed record PendingPushPull(IPEndPoint To, bool Join);
}
