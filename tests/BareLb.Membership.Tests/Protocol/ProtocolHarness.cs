using System.Net;
using BareLb.Membership.Messages;
using BareLb.Membership.Metrics;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Membership.Tests.Protocol;

/// <summary>One state machine under fake time, fed by hand: the tests play the other members.</summary>
internal sealed class ProtocolHarness
{
    public static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];

    public ProtocolHarness(MembershipOptions? options = null, int seed = 1, MembershipMetrics? metrics = null)
    {
        Options = options ?? UnitOptions();
        Protocol = new MembershipProtocol(Options, "self", EndPoint(0), Time, new Random(seed), metrics: metrics);
        Outputs.AddRange(Protocol.Start());
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public MembershipOptions Options { get; }

    public MembershipProtocol Protocol { get; }

    /// <summary>Members whose direct probes the harness acks at once.</summary>
    public HashSet<string> Answering { get; } = [];

    /// <summary>Every output so far.</summary>
    public List<ProtocolOutput> Outputs { get; } = [];

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Round numbers for reading tests: probe 100 ms, timeout 40 ms, suspicion 4 x interval, gossip every 20 ms, no push-pull or rejoin.</summary>
    public static MembershipOptions UnitOptions() => new()
    {
        ProbeInterval = TimeSpan.FromMilliseconds(100),
        ProbeTimeout = TimeSpan.FromMilliseconds(40),
        SuspicionMult = 4,
        SuspicionMaxTimeoutMult = 6,
        GossipInterval = TimeSpan.FromMilliseconds(20),
        PushPullInterval = TimeSpan.Zero,
        RejoinInterval = TimeSpan.Zero,
        ScaleProbeTimeoutWithHealth = false,
        SendLeaveToAll = true,
    };

    /// <summary>Asserts that two durations differ by at most <paramref name="toleranceMs"/> milliseconds.</summary>
    public static void AssertClose(TimeSpan expected, TimeSpan actual, int toleranceMs) =>
        Assert.True((expected - actual).Duration() <= TimeSpan.FromMilliseconds(toleranceMs), $"expected {expected}, got {actual}");

    /// <summary><see cref="UnitOptions"/> with probes a minute apart, for tests where our own probes of silent members would interfere.</summary>
    public static MembershipOptions QuietOptions()
    {
        var options = UnitOptions();
        options.ProbeInterval = TimeSpan.FromMinutes(1);
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        return options;
    }

    /// <summary>Advances until one tick's outputs match; returns all of that tick's outputs.</summary>
    public IReadOnlyList<ProtocolOutput> AdvanceUntilBatch(Func<IReadOnlyList<ProtocolOutput>, bool> match, TimeSpan? limit = null)
    {
        var end = Now + (limit ?? TimeSpan.FromSeconds(10));
        while (Now < end)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            if (Protocol.NextDue <= Now)
            {
                var outputs = Collect(Protocol.Tick());
                if (match(outputs))
                {
                    return outputs;
                }
            }
        }

        throw new Xunit.Sdk.XunitException("No matching tick within the limit.");
    }

    public static IPEndPoint EndPoint(int i) => new(IPAddress.Parse($"198.18.0.{i + 1}"), 7946);

    public static string NameOf(int i) => $"m{i}";

    public static Alive AliveOf(int i, uint incarnation = 1) => new(incarnation, NameOf(i), EndPoint(i).Address.GetAddressBytes(), 7946, [], Vsn);

    /// <summary>Tells the state machine that members 1..count are alive.</summary>
    public void AddMembers(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            Handle(i, AliveOf(i));
        }
    }

    public IReadOnlyList<ProtocolOutput> Handle(int from, object message)
    {
        var outputs = Protocol.HandlePacket(EndPoint(from), message);
        Outputs.AddRange(outputs);
        return outputs;
    }

    /// <summary>Advances time by <paramref name="duration"/> in 1 ms steps, ticking when due; returns what came out.</summary>
    public List<ProtocolOutput> Advance(TimeSpan duration)
    {
        var produced = new List<ProtocolOutput>();
        var end = Now + duration;
        while (Now < end)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            if (Protocol.NextDue <= Now)
            {
                produced.AddRange(Collect(Protocol.Tick()));
            }
        }

        return produced;
    }

    /// <summary>Advances until an output matches (at most <paramref name="limit"/>); returns it.</summary>
    public T AdvanceUntil<T>(Func<T, bool> match, TimeSpan? limit = null)
        where T : ProtocolOutput
    {
        var end = Now + (limit ?? TimeSpan.FromSeconds(10));
        while (Now < end)
        {
            Time.Advance(TimeSpan.FromMilliseconds(1));
            if (Protocol.NextDue <= Now)
            {
                var outputs = Collect(Protocol.Tick());
                if (outputs.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"No matching {typeof(T).Name} within the limit.");
    }

    private IReadOnlyList<ProtocolOutput> Collect(IReadOnlyList<ProtocolOutput> outputs)
    {
        Outputs.AddRange(outputs);
        foreach (var packet in outputs.OfType<SendPacket>())
        {
            if (packet.Messages[0] is Ping ping && packet.ToNode is { } node && Answering.Contains(node))
            {
                Outputs.AddRange(Protocol.HandlePacket(packet.To, new AckResponse(ping.SeqNo, [])));
            }
        }

        return outputs;
    }

    /// <summary>The next direct probe (a packet whose first message is a ping).</summary>
    public (SendPacket Packet, Ping Ping) NextProbe()
    {
        var packet = AdvanceUntil<SendPacket>(p => p.Messages[0] is Ping);
        return (packet, (Ping)packet.Messages[0]);
    }

    public static IEnumerable<T> MessagesOf<T>(IEnumerable<ProtocolOutput> outputs) => outputs.OfType<SendPacket>().SelectMany(p => p.Messages).OfType<T>();

    public static IEnumerable<MemberEvent> EventsOf(IEnumerable<ProtocolOutput> outputs) => outputs.OfType<MemberChanged>().Select(c => c.Event);
}
