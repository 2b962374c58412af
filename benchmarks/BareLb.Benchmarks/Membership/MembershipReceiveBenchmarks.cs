using System.Diagnostics;
using System.Net;
using BareLb.Membership.Hosting;
using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using BareLb.Membership.Transport;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace BareLb.Benchmarks.Membership;

/// <summary>
/// A member's steady-state receive path, from a datagram's bytes to the answer's bytes, over the
/// pure protocol and codec (no socket): a ping answered with an ack; an ack for the probe in flight;
/// a compound of gossip that changes nothing, small and (six alives, as memberlist frames it) compressed. Plain (memberlist's defaults: compression on,
/// checksums) and encrypted (AES-256-GCM). The "today" methods do what the node did per datagram
/// before the span path: copy the datagram and make its sender's end point (as the transport did),
/// decode every message into a record, hand each to the protocol through a closure, and encode the
/// answer's records into new arrays. The "span path" methods run the node's receive path now
/// (<see cref="DatagramPath"/>: messages read in place, the ack written and framed into its own
/// buffers), with the sender's end point the transport keeps per address. The ack case's anchor is the work around the receive (the clock
/// moved, the timers run and the probe sent, the peer's ack written) with the probe acked by a record
/// handed to the state machine: the least any receive path can cost.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class MembershipReceiveBenchmarks
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(40);
    private readonly Lock _gate = new();
    private ReceiveWorkload _workload = null!;
    private DatagramPath _path = null!;
    private Host _host = null!;
    private long _sent;

    [Params(false, true)]
    public bool Encrypted { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new ReceiveWorkload(Encrypted);
        _host = new Host(_workload.Wire);
        _path = new DatagramPath(_workload.Protocol, _workload.Wire, _gate, _host);

        // The ack case needs a probe in flight at the start; each of its operations leaves the next one so.
        _workload.Advance(ProbeInterval);
    }

    [GlobalCleanup]
    public void Cleanup() => _workload.Wire.Dispose();

    [Benchmark(Baseline = true, Description = "ping in, ack out: today")]
    [BenchmarkCategory("ping")]
    public long PingToday() => ReceiveToday(_workload.PingDatagram, _workload.PingDatagram.Length, ReceiveWorkload.PeerB);

    [Benchmark(Description = "ping in, ack out: span path")]
    [BenchmarkCategory("ping")]
    public long PingSpan() => ReceiveSpan(_workload.PingDatagram, _workload.PingDatagram.Length, ReceiveWorkload.PeerB);

    [Benchmark(Baseline = true, Description = "gossip compound, no change: today")]
    [BenchmarkCategory("gossip")]
    public long GossipToday() => ReceiveToday(_workload.GossipDatagram, _workload.GossipDatagram.Length, ReceiveWorkload.PeerB);

    [Benchmark(Description = "gossip compound, no change: span path")]
    [BenchmarkCategory("gossip")]
    public long GossipSpan() => ReceiveSpan(_workload.GossipDatagram, _workload.GossipDatagram.Length, ReceiveWorkload.PeerB);

    [Benchmark(Baseline = true, Description = "gossip compound, compressed, no change: today")]
    [BenchmarkCategory("gossip-lzw")]
    public long CompressedGossipToday() => ReceiveToday(_workload.CompressedGossipDatagram, _workload.CompressedGossipDatagram.Length, ReceiveWorkload.PeerB);

    [Benchmark(Description = "gossip compound, compressed, no change: span path")]
    [BenchmarkCategory("gossip-lzw")]
    public long CompressedGossipSpan() => ReceiveSpan(_workload.CompressedGossipDatagram, _workload.CompressedGossipDatagram.Length, ReceiveWorkload.PeerB);

    [Benchmark(Description = "ack anchor: clock, timers, probe sent, ack written, acked by a record")]
    [BenchmarkCategory("ack")]
    public long AckAnchor()
    {
        var seqNo = _workload.Advance(ProbeInterval);
        _sent += _workload.WriteAck(seqNo);

        // The probe must be acked, or the rounds change: hand the state machine the ack's record directly.
        _ = _workload.Protocol.HandlePacket(ReceiveWorkload.PeerC, new AckResponse(seqNo, []), _workload.Time.Now);
        return _sent;
    }

    [Benchmark(Baseline = true, Description = "ack for our probe: today")]
    [BenchmarkCategory("ack")]
    public long AckToday()
    {
        var seqNo = _workload.Advance(ProbeInterval);
        var length = _workload.WriteAck(seqNo);
        return ReceiveToday(_workload.AckDatagram, length, ReceiveWorkload.PeerC);
    }

    [Benchmark(Description = "ack for our probe: span path")]
    [BenchmarkCategory("ack")]
    public long AckSpan()
    {
        var seqNo = _workload.Advance(ProbeInterval);
        var length = _workload.WriteAck(seqNo);
        return ReceiveSpan(_workload.AckDatagram, length, ReceiveWorkload.PeerC);
    }

    private long ReceiveSpan(byte[] datagram, int length, IPEndPoint from)
    {
        _path.Receive(datagram.AsMemory(0, length), from, _workload.Time.Now);
        return _host.Sent + _sent;
    }

    private long ReceiveToday(byte[] datagram, int length, IPEndPoint from)
    {
        // The transport: a copy of the datagram and a new end point per receive.
        var packet = new ReceivedPacket(datagram.AsSpan(0, length).ToArray(), new IPEndPoint(new IPAddress(from.Address.GetAddressBytes()), from.Port), Stopwatch.GetTimestamp());
        var time = _workload.Time;
        var receivedAt = time.GetUtcNow() - time.GetElapsedTime(packet.Timestamp);
        foreach (var message in _workload.Wire.Receive(packet.Buffer, packet.From))
        {
            if (message.Type == MessageType.User)
            {
                continue;
            }

            Func<MembershipProtocol, IReadOnlyList<ProtocolOutput>> call = p => p.HandlePacket(packet.From, message.Message, receivedAt);
            foreach (var output in call(_workload.Protocol))
            {
                if (output is SendPacket send)
                {
                    _sent += _workload.Wire.Frame(send.Messages, checksum: send.ToNode is not null).Length;
                }
            }
        }

        return _sent;
    }

    /// <summary>The node's side of <see cref="DatagramPath"/>: packets counted, not sent; the general path's outputs framed as the node frames them.</summary>
    private sealed class Host(WireEndpoint wire) : IDatagramHost
    {
        public long Sent { get; private set; }

        public void ArmTimer()
        {
        }

        public void Perform(IReadOnlyList<ProtocolOutput> outputs)
        {
            foreach (var output in outputs)
            {
                if (output is SendPacket send)
                {
                    Sent += wire.Frame(send.Messages, checksum: send.ToNode is not null).Length;
                }
            }
        }

        public void Send(ReadOnlySpan<byte> packet, IPEndPoint to) => Sent += packet.Length;
    }
}
