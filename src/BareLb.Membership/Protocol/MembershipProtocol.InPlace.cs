using System.Net;
using System.Text;
using BareLb.Membership.Codec;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Protocol;

/// <summary>
/// The steady-state receive path without records: the messages a member receives dozens of times a
/// second (pings for it, acks and nacks, and gossip that tells it nothing new) are read in place and
/// handled as <see cref="HandlePacket"/> would handle their records, allocating nothing; everything
/// else is left to <see cref="HandlePacket"/>.
/// </summary>
internal sealed partial class MembershipProtocol
{
    /// <summary>The longest member name (in UTF-8 bytes) looked up in place; a longer one takes the record path.</summary>
    private const int MaxNameBytes = 256;

    /// <summary>
    /// Handles one message of a packet read in place when its record is not needed: a ping for the
    /// local member while no gossip waits to be piggybacked (answered in <paramref name="ack"/>), an ack or
    /// nack, or alive, suspect or dead news that changes nothing. Returns null, having done nothing, when
    /// the message needs its record: decode it and call <see cref="HandlePacket"/>. Else the outputs, as
    /// <see cref="HandlePacket"/> returns them (none, except for an ack that an indirect probe relays);
    /// <paramref name="ack"/>'s <see cref="AckReply.To"/> is null when there is nothing to answer.
    /// </summary>
    public IReadOnlyList<ProtocolOutput>? TryHandleInPlace(IPEndPoint from, MessageType type, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt, out AckReply ack)
    {
        ArgumentNullException.ThrowIfNull(from);
        ack = default;
        bool handled;
        switch (type)
        {
            case MessageType.AckResponse or MessageType.NackResponse:
                return TryHandleAck(type, body, receivedAt);
            case MessageType.Ping:
                handled = TryAnswerPing(body, out ack);
                break;
            case MessageType.Alive:
                handled = IsStaleAlive(body);
                break;
            case MessageType.Suspect or MessageType.Dead:
                handled = IsStaleNews(body, suspect: type == MessageType.Suspect);
                break;
            default:
                return null;
        }

        if (!handled)
        {
            return null;
        }

        _metrics?.Received(type);
        UpdateMetrics();
        return NoOutputs;
    }

    /// <summary>As <see cref="HandlePing"/> and <see cref="Send"/>, when the reply needs no record: for us, nothing to piggyback, and the reply address a member's.</summary>
    private bool TryAnswerPing(ReadOnlyMemory<byte> body, out AckReply ack)
    {
        ack = default;
        if (_broadcasts.Count > 0 || !InPlaceMessages.TryRead(body, PingView.Read, out var ping))
        {
            return false;
        }

        if (!ping.Node.IsEmpty && !ping.Node.SequenceEqual(_nameUtf8))
        {
            return false;
        }

        // memberlist sets the source fields, naming a member we know: reply to its end point, no new one.
        if (ping.SourceAddr.Length is not (4 or 16) || ping.SourcePort == 0
            || !TryFind(ping.SourceNode, out var source)
            || !ping.SourceAddr.SequenceEqual(source.Addr) || ping.SourcePort != source.Port)
        {
            return false;
        }

        ack = new AckReply(source.EndPoint, source.Name, ping.SeqNo);
        _metrics?.Sent(MessageType.AckResponse);
        return true;
    }

    /// <summary>As <see cref="Dispatch"/> for an ack or nack: the probe's handler runs, and may relay an ack (its outputs returned).</summary>
    private IReadOnlyList<ProtocolOutput>? TryHandleAck(MessageType type, ReadOnlyMemory<byte> body, DateTimeOffset receivedAt)
    {
        if (!InPlaceMessages.TryRead<AckView>(body, type == MessageType.AckResponse ? AckView.Read : AckView.ReadNack, out var view))
        {
            return null;
        }

        var outer = BeginCall();
        _metrics?.Received(type);
        if (type == MessageType.AckResponse)
        {
            if (_ackHandlers.Remove(view.SeqNo, out var handler))
            {
                handler.OnAck(receivedAt);
            }
        }
        else if (_ackHandlers.TryGetValue(view.SeqNo, out var handler))
        {
            handler.OnNack?.Invoke();
        }

        return EndCall(outer);
    }

    /// <summary>An alive about a known member, at its address, at an incarnation no newer than known: <see cref="AliveNode"/> ignores it.</summary>
    private bool IsStaleAlive(ReadOnlyMemory<byte> body)
    {
        if (!InPlaceMessages.TryRead(body, AliveView.Read, out var alive)
            || alive.Addr.Length is not (4 or 16) || alive.Port == 0
            || (alive.Vsn.Length >= 3 && (alive.Vsn[0] == 0 || alive.Vsn[1] == 0 || alive.Vsn[0] > alive.Vsn[1])))
        {
            return false;
        }

        return TryFind(alive.Node, out var member) && !member.IsLocal
            && alive.Addr.SequenceEqual(member.Addr) && alive.Port == member.Port
            && alive.Incarnation <= member.Incarnation;
    }

    /// <summary>A suspect or dead message that <see cref="SuspectNode"/> or <see cref="DeadNode"/> ignores: about nobody known, older than known, or (suspect) a confirmation that would not count, or (dead) about a member dead already.</summary>
    private bool IsStaleNews(ReadOnlyMemory<byte> body, bool suspect)
    {
        if (!InPlaceMessages.TryRead(body, NewsView.Read, out var news)
            || news.Node.IsEmpty || news.From.IsEmpty || news.Node.Length > MaxNameBytes || news.From.Length > MaxNameBytes)
        {
            return false;
        }

        if (!TryFind(news.Node, out var member) || news.Incarnation < member.Incarnation)
        {
            return true;
        }

        if (!suspect)
        {
            return member.Suspicion is null && member.DeadOrLeft;
        }

        if (member.Suspicion is { } running)
        {
            Span<char> from = stackalloc char[MaxNameBytes];
            return !running.WouldCount(from[..Encoding.UTF8.GetChars(news.From, from)]);
        }

        return member.Status != MemberStatus.Alive;
    }

    /// <summary>The member named by <paramref name="utf8Name"/>, found without making a string (names up to <see cref="MaxNameBytes"/>).</summary>
    private bool TryFind(ReadOnlySpan<byte> utf8Name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Member? member)
    {
        member = null;
        if (utf8Name.IsEmpty || utf8Name.Length > MaxNameBytes)
        {
            return false;
        }

        Span<char> name = stackalloc char[MaxNameBytes];
        return _membersByName.TryGetValue(name[..Encoding.UTF8.GetChars(utf8Name, name)], out member);
    }
}

/// <summary>An ack to send in answer to a ping: to <paramref name="To"/> (null: none), the member <paramref name="ToNode"/>, for <paramref name="SeqNo"/>.</summary>
internal readonly record struct AckReply(IPEndPoint? To, string? ToNode, uint SeqNo);
