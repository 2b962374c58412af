namespace BareLb.Membership.Options;

/// <summary>
/// The protocol's timings and limits, named as hashicorp/memberlist names them. A new instance
/// holds BareLb's defaults (sub-second failure detection, see the README's Protocol section);
/// <see cref="MemberlistLan"/> holds memberlist's <c>DefaultLANConfig</c>, as MetalLB's speaker
/// uses it. Validate with <see cref="Validate"/> before starting a member.
/// </summary>
public sealed class MembershipOptions
{
    /// <summary>Time between failure probes (memberlist <c>ProbeInterval</c>). BareLb default 40 ms; memberlist 1 s.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(40);

    /// <summary>
    /// Time between failure probes while the member's host has set <see cref="DetectionPace.Relaxed"/>, because no
    /// address depends on detecting a failure quickly (a speaker with no Service to announce); never shorter than
    /// <see cref="ProbeInterval"/>. <see cref="TimeSpan.Zero"/> keeps every member at <see cref="ProbeInterval"/>
    /// whatever its host sets. Default 1 s, memberlist's <c>ProbeInterval</c>: a member that has nothing to protect
    /// costs what a memberlist member costs.
    /// </summary>
    public TimeSpan RelaxedProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a direct probe waits for its ack before asking other members to probe indirectly (memberlist <c>ProbeTimeout</c>). BareLb default 15 ms; memberlist 500 ms.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(15);

    /// <summary>Members asked to probe a member that did not answer a direct probe (memberlist <c>IndirectChecks</c>). Default 3.</summary>
    public int IndirectChecks { get; set; } = 3;

    /// <summary>Scales the minimum suspicion timeout: <c>SuspicionMult * max(1, log10(n)) * ProbeInterval</c>; also sets the confirmations expected, <c>SuspicionMult - 2</c> (memberlist <c>SuspicionMult</c>). BareLb default 3; memberlist 4.</summary>
    public int SuspicionMult { get; set; } = 3;

    /// <summary>
    /// Whether the minimum suspicion timeout grows with <c>log10</c> of the cluster size, as in memberlist,
    /// to give a refutation time to spread by gossip through a large cluster. When
    /// <see cref="SendRefutationToAll"/> is on, a refutation reaches every member in one hop whatever the
    /// size, and BareLb's default is false: 100 members are then as fast as 10. memberlist true.
    /// </summary>
    public bool ScaleSuspicionWithClusterSize { get; set; }

    /// <summary>The longest suspicion, as a multiple of the minimum: a suspicion nobody else confirms lasts that long (memberlist <c>SuspicionMaxTimeoutMult</c>). Default 6.</summary>
    public int SuspicionMaxTimeoutMult { get; set; } = 6;

    /// <summary>Upper bound of the local health multiplier applied to the probe interval (Lifeguard; memberlist <c>AwarenessMaxMultiplier</c>). Default 8.</summary>
    public int AwarenessMaxMultiplier { get; set; } = 8;

    /// <summary>
    /// Whether the direct probe timeout grows with the local health multiplier as the probe
    /// interval does (memberlist keeps it fixed). A member that answers late because it is
    /// starved of CPU then waits longer before it suspects others. BareLb default true; memberlist false.
    /// </summary>
    public bool ScaleProbeTimeoutWithHealth { get; set; } = true;

    /// <summary>Time between gossip rounds; <see cref="TimeSpan.Zero"/> turns gossip off (memberlist <c>GossipInterval</c>). BareLb default 10 ms; memberlist 200 ms. A round with nothing to send sends nothing.</summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Random members each gossip round sends to (memberlist <c>GossipNodes</c>). Default 3.</summary>
    public int GossipNodes { get; set; } = 3;

    /// <summary>How long a dead member still receives gossip, so that it can refute, and stays listed before it is forgotten (memberlist <c>GossipToTheDeadTime</c>). Default 30 s.</summary>
    public TimeSpan GossipToTheDeadTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A broadcast is sent <c>RetransmitMult * ceil(log10(n + 1))</c> times (memberlist <c>RetransmitMult</c>). Default 4.</summary>
    public int RetransmitMult { get; set; } = 4;

    /// <summary>Time between full state exchanges with a random member over TCP, scaled up above 32 members; <see cref="TimeSpan.Zero"/> turns them off (memberlist <c>PushPullInterval</c>). BareLb default 15 s; memberlist 30 s.</summary>
    public TimeSpan PushPullInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Time between attempts to join the configured join addresses that are not live members
    /// (as MetalLB's speaker rejoins its peers every minute), so that a cluster split by a
    /// partition merges again once it heals; <see cref="TimeSpan.Zero"/> turns this off. BareLb default 5 s; memberlist itself never rejoins.
    /// </summary>
    public TimeSpan RejoinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a failed probe also tries the member over TCP (memberlist <c>DisableTcpPings</c>). Default false.</summary>
    public bool DisableTcpPings { get; set; }

    /// <summary>Largest UDP payload the protocol fills, piggybacked gossip included (memberlist <c>UDPBufferSize</c>). Default 1400 bytes.</summary>
    public int UdpBufferSize { get; set; } = 1400;

    /// <summary>Timeout of TCP streams (push-pull, TCP fallback probes are bounded by the probe instead) (memberlist <c>TCPTimeout</c>). BareLb default 2 s; memberlist 10 s.</summary>
    public TimeSpan TcpTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After how long a dead member's name may come back from another address; <see cref="TimeSpan.Zero"/> never allows it (memberlist <c>DeadNodeReclaimTime</c>). Default zero.</summary>
    public TimeSpan DeadNodeReclaimTime { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether a leaving member sends its leave straight to every live member besides gossiping
    /// it, so that all see it go within one network round trip (memberlist only gossips it).
    /// BareLb default true; memberlist false.
    /// </summary>
    public bool SendLeaveToAll { get; set; } = true;

    /// <summary>
    /// Whether a member that refutes a suspicion sends its new alive message straight to every live
    /// member besides gossiping it, so that no member's suspicion timer outlasts a refutation that
    /// is still travelling by gossip (memberlist only gossips it). Refutations are rare in a healthy
    /// cluster; under heavy load this is the margin between a slow member and a false death.
    /// BareLb default true; memberlist false.
    /// </summary>
    public bool SendRefutationToAll { get; set; } = true;

    /// <summary>The memberlist protocol version spoken (memberlist <c>ProtocolVersion</c>; 1 to 5). Default 2, as memberlist.</summary>
    public byte ProtocolVersion { get; set; } = 2;

    /// <summary>hashicorp/memberlist's <c>DefaultLANConfig</c> timings, as MetalLB's speaker uses them.</summary>
    public static MembershipOptions MemberlistLan() => new()
    {
        ProbeInterval = TimeSpan.FromSeconds(1),
        ProbeTimeout = TimeSpan.FromMilliseconds(500),
        RelaxedProbeInterval = TimeSpan.FromSeconds(1),
        IndirectChecks = 3,
        SuspicionMult = 4,
        SuspicionMaxTimeoutMult = 6,
        AwarenessMaxMultiplier = 8,
        ScaleProbeTimeoutWithHealth = false,
        GossipInterval = TimeSpan.FromMilliseconds(200),
        GossipNodes = 3,
        GossipToTheDeadTime = TimeSpan.FromSeconds(30),
        RetransmitMult = 4,
        PushPullInterval = TimeSpan.FromSeconds(30),
        RejoinInterval = TimeSpan.Zero,
        DisableTcpPings = false,
        UdpBufferSize = 1400,
        TcpTimeout = TimeSpan.FromSeconds(10),
        DeadNodeReclaimTime = TimeSpan.Zero,
        SendLeaveToAll = false,
        SendRefutationToAll = false,
        ScaleSuspicionWithClusterSize = true,
        ProtocolVersion = 2,
    };

    /// <summary>A copy of these options.</summary>
    public MembershipOptions Clone() => (MembershipOptions)MemberwiseClone();

    /// <summary>Returns one message per invalid setting, naming it and the accepted range; empty when all are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Range(errors, nameof(ProbeInterval), ProbeInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), allowZero: false);
        Range(errors, nameof(RelaxedProbeInterval), RelaxedProbeInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), allowZero: true);
        Range(errors, nameof(ProbeTimeout), ProbeTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), allowZero: false);
        if (ProbeTimeout >= ProbeInterval && ProbeInterval > TimeSpan.Zero)
        {
            errors.Add($"{nameof(ProbeTimeout)} ({ProbeTimeout}) must be shorter than {nameof(ProbeInterval)} ({ProbeInterval}): indirect probes need the rest of the interval.");
        }

        Range(errors, nameof(IndirectChecks), IndirectChecks, 0, 16);
        Range(errors, nameof(SuspicionMult), SuspicionMult, 1, 100);
        Range(errors, nameof(SuspicionMaxTimeoutMult), SuspicionMaxTimeoutMult, 1, 100);
        Range(errors, nameof(AwarenessMaxMultiplier), AwarenessMaxMultiplier, 1, 100);
        Range(errors, nameof(GossipInterval), GossipInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), allowZero: true);
        Range(errors, nameof(GossipNodes), GossipNodes, 0, 100);
        Range(errors, nameof(GossipToTheDeadTime), GossipToTheDeadTime, TimeSpan.Zero, TimeSpan.FromDays(1), allowZero: true);
        Range(errors, nameof(RetransmitMult), RetransmitMult, 1, 100);
        Range(errors, nameof(PushPullInterval), PushPullInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1), allowZero: true);
        Range(errors, nameof(RejoinInterval), RejoinInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1), allowZero: true);
        Range(errors, nameof(UdpBufferSize), UdpBufferSize, 512, 65_507);
        Range(errors, nameof(TcpTimeout), TcpTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10), allowZero: false);
        Range(errors, nameof(DeadNodeReclaimTime), DeadNodeReclaimTime, TimeSpan.Zero, TimeSpan.FromDays(365), allowZero: true);
        Range(errors, nameof(ProtocolVersion), ProtocolVersion, 1, 5);
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting, if any.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid membership options: " + string.Join(" ", errors));
        }
    }

    private static void Range(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} must be between {min} and {max}, not {value}.");
        }
    }

    private static void Range(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max, bool allowZero)
    {
        if (allowZero && value == TimeSpan.Zero)
        {
            return;
        }

        if (value < min || value > max)
        {
            var zero = allowZero && min > TimeSpan.Zero ? "zero (off) or " : string.Empty;
            errors.Add($"{name} must be {zero}between {min} and {max}, not {value}.");
        }
    }
}
