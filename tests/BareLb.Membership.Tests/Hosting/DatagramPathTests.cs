using System.Net;
using BareLb.Membership.Codec;
using BareLb.Membership.Hosting;
using BareLb.Membership.Messages;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Membership.Security;
using BareLb.Membership.Transport;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Membership.Tests.Hosting;

/// <summary>The receive path: in place for the steady state, allocating nothing without encryption, and the same answers as the record path.</summary>
public sealed class DatagramPathTests
{
    private static readonly IPEndPoint Self = new(IPAddress.Parse("198.18.0.1"), 7946);
    private static readonly IPEndPoint B = new(IPAddress.Parse("198.18.0.2"), 7946);
    private static readonly IPEndPoint C = new(IPAddress.Parse("198.18.0.3"), 7946);
    private static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];
    private static readonly Keyring Keys = new([Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()]);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void APingIsAnsweredInPlaceWithTheAckTheRecordPathSends(bool encrypted)
    {
        var (protocol, wire, host, path) = Member(encrypted);
        var ping = new Ping(41, "a", B.Address.GetAddressBytes(), 7946, "b");
        path.Receive(wire.Frame(MessageCodec.Encode(MessageType.Ping, ping), checksum: true), B, _time.GetUtcNow());

        var (packet, to) = Assert.Single(host.Sent);
        Assert.Same(protocol.Find("b")!.Address, to);
        var ack = Assert.IsType<AckResponse>(Assert.Single(wire.Receive(packet, B)).Message);
        Assert.Equal(41u, ack.SeqNo);
        var recordPath = protocol.HandlePacket(B, ping).OfType<SendPacket>().Single();
        Assert.Equal(wire.Frame(recordPath.Messages, checksum: recordPath.ToNode is not null).Length, packet.Length);
        if (!encrypted)
        {
            Assert.Equal(wire.Frame(recordPath.Messages, checksum: true), packet);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheSteadyStateAllocatesNothingCompressedOrEncrypted(bool encrypted)
    {
        var (protocol, wire, host, path) = Member(encrypted);
        var ping = wire.Frame(MessageCodec.Encode(MessageType.Ping, new Ping(41, "a", B.Address.GetAddressBytes(), 7946, "b")), checksum: true);
        var gossip = wire.Frame(
            CompoundMessage.Encode(
            [
                MessageCodec.Encode(MessageType.Alive, Alive("b", B)),
                MessageCodec.Encode(MessageType.Alive, Alive("c", C)),
                MessageCodec.Encode(MessageType.Alive, Alive("b", B)),
                MessageCodec.Encode(MessageType.Suspect, new Suspect(0, "c", "b")),
                MessageCodec.Encode(MessageType.Dead, new Dead(0, "c", "b")),
                MessageCodec.Encode(MessageType.NackResponse, new NackResponse(12345)),
            ]),
            checksum: true);
        if (!encrypted)
        {
            Assert.Equal((byte)MessageType.Compress, gossip[Checksum.HeaderLength]);
        }

        // The first round warms up (pooled buffers, the AES-GCM cipher); a later one must allocate nothing. Up to four
        // later rounds: a full collection elsewhere in the test run may trim ArrayPool.Shared's per-thread buffers, and
        // the round in which that happens rents one array again.
        host.Keep = false;
        var allocations = new List<long>();
        for (var round = 0; round < 5 && (allocations.Count < 2 || allocations[^1] != 0); round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                path.Receive(ping, B, _time.GetUtcNow());
                path.Receive(gossip, B, _time.GetUtcNow());
            }

            allocations.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocations[^1]);
        Assert.Equal(100 * allocations.Count, host.Count);
        Assert.Equal(0, protocol.PendingBroadcasts);
        Assert.All(protocol.Members, m => Assert.Equal((MemberStatus.Alive, 1u), (m.Status, m.Incarnation)));
    }

    [Fact]
    public void AnAckForOurProbeEndsItInPlace()
    {
        var (protocol, wire, _, path) = Member(encrypted: false);
        _time.Advance(TimeSpan.FromSeconds(1));
        var probe = protocol.Tick().OfType<SendPacket>().Select(s => s.Messages[0]).OfType<Ping>().Single();
        Assert.NotNull(protocol.ProbingNow);
        path.Receive(wire.Frame(MessageCodec.Encode(MessageType.AckResponse, new AckResponse(probe.SeqNo, [])), checksum: true), C, _time.GetUtcNow());
        Assert.Null(protocol.ProbingNow);
    }

    [Fact]
    public void NewsTakesTheRecordPath()
    {
        var (protocol, wire, host, path) = Member(encrypted: false);

        // A newer alive, a suspect that counts, a ping for another member: each needs its record.
        path.Receive(wire.Frame(MessageCodec.Encode(MessageType.Alive, Alive("b", B) with { Incarnation = 5 }), checksum: true), B, _time.GetUtcNow());
        path.Receive(wire.Frame(MessageCodec.Encode(MessageType.Suspect, new Suspect(1, "c", "b")), checksum: true), B, _time.GetUtcNow());
        path.Receive(wire.Frame(MessageCodec.Encode(MessageType.Ping, new Ping(3, "z", B.Address.GetAddressBytes(), 7946, "b")), checksum: true), B, _time.GetUtcNow());

        Assert.Equal(5u, protocol.Find("b")!.Incarnation);
        Assert.Equal(MemberStatus.Suspect, protocol.Find("c")!.Status);
        Assert.Empty(host.Sent);
        Assert.Equal(2, protocol.PendingBroadcasts);
    }

    private static Alive Alive(string name, IPEndPoint at) => new(1, name, at.Address.GetAddressBytes(), (ushort)at.Port, [], Vsn);

    private (MembershipProtocol Protocol, WireEndpoint Wire, Host Host, DatagramPath Path) Member(bool encrypted)
    {
        var options = new MembershipOptions { PushPullInterval = TimeSpan.Zero, RejoinInterval = TimeSpan.Zero };
        var protocol = new MembershipProtocol(options, "a", Self, _time, new Random(1));
        protocol.Start();
        protocol.HandlePacket(B, Alive("b", B));
        protocol.HandlePacket(C, Alive("c", C));
        for (var i = 0; i < 1000 && protocol.PendingBroadcasts > 0; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            protocol.Tick();
        }

        Assert.Equal(0, protocol.PendingBroadcasts);
        var wire = new WireEndpoint(encrypted ? new WireSettings { Keyring = Keys } : WireSettings.Default, _time);
        var host = new Host();
        return (protocol, wire, host, new DatagramPath(protocol, wire, new Lock(), host));
    }

    private sealed class Host : IDatagramHost
    {
        public List<(byte[] Packet, IPEndPoint To)> Sent { get; } = [];

        public bool Keep { get; set; } = true;

        public int Count { get; private set; }

        public void ArmTimer()
        {
        }

        public void Perform(IReadOnlyList<ProtocolOutput> outputs)
        {
            for (var i = 0; i < outputs.Count; i++)
            {
                Assert.IsNotType<SendPacket>(outputs[i]);
            }
        }

        public void Send(ReadOnlySpan<byte> packet, IPEndPoint to)
        {
            Count++;
            if (Keep)
            {
                Sent.Add((packet.ToArray(), to));
            }
        }
    }
}
