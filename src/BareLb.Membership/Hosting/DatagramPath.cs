using System.Buffers;
using System.Net;
using BareLb.Membership.Codec;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using BareLb.Membership.Transport;

namespace BareLb.Membership.Hosting;

/// <summary>
/// A member's receive path, from a datagram to the protocol and back: the wire reads the messages in
/// place, each goes to <see cref="MembershipProtocol.TryHandleInPlace"/> under the node's gate, and a ping's
/// ack is written and framed into buffers of this path's own, so that the steady state (pings answered,
/// acks for our probes, gossip that changes nothing) allocates nothing without encryption. A message that
/// needs its record is decoded and handed to <see cref="MembershipProtocol.HandlePacket"/>, as before.
/// </summary>
internal sealed class DatagramPath(MembershipProtocol protocol, WireEndpoint wire, Lock gate, IDatagramHost host)
{
    /// <summary>Room for an ack framed with a label, a checksum and encryption.</summary>
    private const int ReplyBytes = 512;

    private readonly Lock _replyGate = new();
    private readonly ArrayBufferWriter<byte> _ack = new(32);
    private readonly byte[] _reply = new byte[ReplyBytes];

    /// <summary>Handles one datagram from <paramref name="from"/>; <paramref name="datagram"/> is not kept after the call.</summary>
    public void Receive(ReadOnlyMemory<byte> datagram, IPEndPoint from, DateTimeOffset receivedAt)
    {
        var sink = new Sink(this, from, receivedAt);
        wire.Receive(datagram, from, ref sink);
    }

    private bool Handle(MessageType type, ReadOnlyMemory<byte> body, IPEndPoint from, DateTimeOffset receivedAt)
    {
        if (type == MessageType.User)
        {
            // User messages have no delegate here.
            return true;
        }

        IReadOnlyList<ProtocolOutput>? outputs;
        AckReply ack;
        lock (gate)
        {
            outputs = protocol.TryHandleInPlace(from, type, body, receivedAt, out ack);
            if (outputs is not null)
            {
                host.ArmTimer();
            }
        }

        if (outputs is null)
        {
            if (!AnyMessage.TryDecode(type, body, out var message))
            {
                return false;
            }

            lock (gate)
            {
                outputs = protocol.HandlePacket(from, message, receivedAt);
                host.ArmTimer();
            }
        }
        else if (ack.To is { } to)
        {
            SendAck(to, ack.SeqNo, checksum: ack.ToNode is not null);
        }

        host.Perform(outputs);
        return true;
    }

    private void SendAck(IPEndPoint to, uint seqNo, bool checksum)
    {
        lock (_replyGate)
        {
            _ack.ResetWrittenCount();
            MessageCodec.WriteAck(_ack, seqNo);
            if (wire.TryFrame(_ack.WrittenSpan, checksum, _reply, out var written))
            {
                host.Send(_reply.AsSpan(0, written), to);
            }
            else
            {
                host.Send(wire.Frame(_ack.WrittenSpan, checksum), to);
            }
        }
    }

    private readonly struct Sink(DatagramPath path, IPEndPoint from, DateTimeOffset receivedAt) : IMessageSink
    {
        public bool Message(MessageType type, ReadOnlyMemory<byte> body) => path.Handle(type, body, from, receivedAt);

        public void PartDropped(DropReason reason)
        {
            // Counted and logged by the wire.
        }
    }
}
