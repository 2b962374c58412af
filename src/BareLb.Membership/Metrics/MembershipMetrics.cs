using System.Diagnostics.Metrics;
using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Metrics;

/// <summary>
/// The protocol's instruments on the meter <c>BareLb.Membership</c>: members by state, probes
/// and failed probes, suspicions, refutations, messages by type and direction, messages the
/// protocol refused by reason, probe round-trip time and the local health score. MetalLB exports
/// none of these. The gauges read fields the state machine sets after each change, so a collector
/// on another thread never touches the state machine.
/// </summary>
internal sealed class MembershipMetrics : IDisposable
{
    public const string MeterName = "BareLb.Membership";
    public const string MembersName = "barelb_memberlist_members";
    public const string ProbesName = "barelb_memberlist_probes_total";
    public const string ProbeFailuresName = "barelb_memberlist_probe_failures_total";
    public const string SuspicionsName = "barelb_memberlist_suspicions_total";
    public const string RefutationsName = "barelb_memberlist_refutations_total";
    public const string MessagesName = "barelb_memberlist_messages_total";
    public const string RejectedName = "barelb_memberlist_messages_rejected_total";
    public const string ProbeRttName = "barelb_memberlist_probe_rtt_seconds";
    public const string HealthScoreName = "barelb_memberlist_health_score";
    public const string ProbeIntervalName = "barelb_memberlist_probe_interval_seconds";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _probes;
    private readonly Counter<long> _probeFailures;
    private readonly Counter<long> _suspicions;
    private readonly Counter<long> _refutations;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _probeRtt;
    private readonly int[] _members = new int[4];
    private int _healthScore;
    private double _probeInterval;

    public MembershipMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(MeterName);
        }

        _meter.CreateObservableGauge(MembersName, ObserveMembers, "{member}", "Members by state, as the local member sees them.");
        _probes = _meter.CreateCounter<long>(ProbesName, "{probe}", "Failure probes started.");
        _probeFailures = _meter.CreateCounter<long>(ProbeFailuresName, "{probe}", "Failure probes that got no ack directly, indirectly or over TCP.");
        _suspicions = _meter.CreateCounter<long>(SuspicionsName, "{suspicion}", "Members that became suspect in the local member's view.");
        _refutations = _meter.CreateCounter<long>(RefutationsName, "{refutation}", "Times the local member refuted a suspicion or death notice about itself.");
        _messages = _meter.CreateCounter<long>(MessagesName, "{message}", "Protocol messages by type and direction (received, sent), piggybacked gossip included.");
        _rejected = _meter.CreateCounter<long>(RejectedName, "{message}", "Decoded messages the protocol refused, by type and reason.");
        _probeRtt = _meter.CreateHistogram<double>(ProbeRttName, "s", "Round-trip time of successful direct and indirect probes.");
        _meter.CreateObservableGauge(HealthScoreName, () => Volatile.Read(ref _healthScore), "{score}", "Lifeguard local health score: 0 is healthy; timeouts are multiplied by score + 1.");
        _meter.CreateObservableGauge(ProbeIntervalName, () => Volatile.Read(ref _probeInterval), "s", "Time between the local member's probes at its current pace (fast, or relaxed while nothing depends on fast detection), before Lifeguard's scaling.");
    }

    /// <summary>The meter the instruments live on.</summary>
    public Meter Meter => _meter;

    public void ProbeStarted() => _probes.Add(1);

    public void ProbeFailed() => _probeFailures.Add(1);

    public void Suspected() => _suspicions.Add(1);

    public void Refuted() => _refutations.Add(1);

    public void ProbeRoundTrip(TimeSpan rtt) => _probeRtt.Record(rtt.TotalSeconds);

    public void Received(object message) => Count(TypeName(message), "received");

    /// <summary>A message received, by type (the receive path that reads messages in place has no record).</summary>
    public void Received(MessageType type) => Count(TypeName(type), "received");

    public void Sent(object message) => Count(TypeName(message), "sent");

    /// <summary>A message sent, by type.</summary>
    public void Sent(MessageType type) => Count(TypeName(type), "sent");

    public void Rejected(object message, string reason)
    {
        if (_rejected.Enabled)
        {
            _rejected.Add(1, new KeyValuePair<string, object?>("type", TypeName(message)), new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void SetMembers(int alive, int suspect, int dead, int left)
    {
        Volatile.Write(ref _members[(int)MemberStatus.Alive], alive);
        Volatile.Write(ref _members[(int)MemberStatus.Suspect], suspect);
        Volatile.Write(ref _members[(int)MemberStatus.Dead], dead);
        Volatile.Write(ref _members[(int)MemberStatus.Left], left);
    }

    public void SetHealthScore(int score) => Volatile.Write(ref _healthScore, score);

    public void SetProbeInterval(TimeSpan interval) => Volatile.Write(ref _probeInterval, interval.TotalSeconds);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>memberlist's name of a message's type, as the metrics' <c>type</c> tag.</summary>
    public static string TypeName(object message) => TypeName(message switch
    {
        Ping => MessageType.Ping,
        IndirectPing => MessageType.IndirectPing,
        AckResponse => MessageType.AckResponse,
        NackResponse => MessageType.NackResponse,
        Suspect => MessageType.Suspect,
        Alive => MessageType.Alive,
        Dead => MessageType.Dead,
        PushPullHeader => MessageType.PushPull,
        UserMessageHeader => MessageType.User,
        ErrorResponse => MessageType.Error,
        _ => MessageType.HasLabel,
    });

    /// <summary>memberlist's name of a message type, as the metrics' <c>type</c> tag ("other" for framing types).</summary>
    public static string TypeName(MessageType type) => type switch
    {
        MessageType.Ping => "ping",
        MessageType.IndirectPing => "indirect_ping",
        MessageType.AckResponse => "ack",
        MessageType.NackResponse => "nack",
        MessageType.Suspect => "suspect",
        MessageType.Alive => "alive",
        MessageType.Dead => "dead",
        MessageType.PushPull => "push_pull",
        MessageType.User => "user",
        MessageType.Error => "error",
        _ => "other",
    };

    private void Count(string type, string direction)
    {
        if (_messages.Enabled)
        {
            _messages.Add(1, new KeyValuePair<string, object?>("type", type), new KeyValuePair<string, object?>("direction", direction));
        }
    }

    private Measurement<int>[] ObserveMembers() =>
    [
        new(Volatile.Read(ref _members[0]), new KeyValuePair<string, object?>("state", "alive")),
        new(Volatile.Read(ref _members[1]), new KeyValuePair<string, object?>("state", "suspect")),
        new(Volatile.Read(ref _members[2]), new KeyValuePair<string, object?>("state", "dead")),
        new(Volatile.Read(ref _members[3]), new KeyValuePair<string, object?>("state", "left")),
    ];
}
