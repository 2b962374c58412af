using System.Net;
using BareLb.Membership.Messages;
using BareLb.Membership.Options;

namespace BareLb.Membership.Protocol;

/// <summary>Failure detection: probe rounds, indirect probes for others, acks and nacks.</summary>
internal sealed partial class MembershipProtocol
{
    private ProbeRound? _round;
    private ScheduledTimer? _nextProbe;
    private DetectionPace _pace = DetectionPace.Fast;

    /// <summary>The pace the host asked for (see <see cref="SetPace"/>).</summary>
    public DetectionPace Pace => _pace;

    /// <summary>The time between probes at the current pace.</summary>
    private TimeSpan ProbeIntervalNow =>
        _pace == DetectionPace.Relaxed && _options.RelaxedProbeInterval > _options.ProbeInterval ? _options.RelaxedProbeInterval : _options.ProbeInterval;

    /// <summary>
    /// Sets how fast this member probes the others. Going fast brings a probe that the relaxed pace put off forward
    /// to now; a probe in flight keeps its deadline, and the one after it follows the new pace.
    /// </summary>
    public IReadOnlyList<ProtocolOutput> SetPace(DetectionPace pace) => Run(() =>
    {
        if (pace == _pace)
        {
            return;
        }

        _pace = pace;
        _metrics?.SetProbeInterval(ProbeIntervalNow);
        Log.PaceChanged(_logger, pace, ProbeIntervalNow.TotalMilliseconds);
        var now = Now;
        if (_started && !_left && _nextProbe is { Cancelled: false } next && next.Due > now + ProbeIntervalNow)
        {
            _timers.Cancel(next);
            ScheduleProbeTick(now);
        }
    });

    private void ScheduleProbeTick(DateTimeOffset due) => _nextProbe = _timers.Schedule(due, _probeTick);

    /// <summary>The probe in flight, if any (for tests).</summary>
    internal string? ProbingNow => _round is { Done: false } round ? round.Target.Name : null;

    private void ProbeTick()
    {
        if (_left)
        {
            return;
        }

        var now = Now;
        var target = NextProbeTarget();
        if (target is null)
        {
            ScheduleProbeTick(now + ProbeIntervalNow);
            return;
        }

        // Lifeguard: a member in poor health waits longer for acks before it blames others.
        var interval = _awareness.Scale(ProbeIntervalNow);
        var timeout = _options.ScaleProbeTimeoutWithHealth ? _awareness.Scale(_options.ProbeTimeout) : _options.ProbeTimeout;
        var ping = new Ping(++_sequence, target.Name, _self.Addr, _self.Port, _self.Name);
        var round = new ProbeRound(target, target.Incarnation, ping, now, now + interval);
        _round = round;
        _metrics?.ProbeStarted();
        round.DeadlineTimer = SetAckHandler(ping.SeqNo, new AckHandler(at => ProbeAcked(round, at), () => round.Nacks++), round.Deadline, () => ProbeDeadline(round));
        if (target.Status == MemberStatus.Alive)
        {
            Send(target.EndPoint, target.Name, ping);
        }
        else
        {
            // Lifeguard's buddy system: tell a suspect that it is suspected, so that it can refute at once.
            SendRaw(target.EndPoint, target.Name, [ping, new Suspect(target.Incarnation, target.Name, _self.Name)]);
        }

        round.TimeoutTimer = _timers.Schedule(now + timeout, () => ProbeTimedOut(round));
    }

    /// <summary>memberlist's <c>probe</c> walk: round-robin over a list shuffled at each wrap-around, skipping ourselves and the dead.</summary>
    private Member? NextProbeTarget()
    {
        var checks = 0;
        while (checks < _nodes.Count)
        {
            if (_probeIndex >= _nodes.Count)
            {
                ResetNodes();
                _probeIndex = 0;
                checks++;
                continue;
            }

            var node = _nodes[_probeIndex++];
            if (node.IsLocal || node.DeadOrLeft)
            {
                checks++;
                continue;
            }

            return node;
        }

        return null;
    }

    /// <summary>memberlist's <c>resetNodes</c>: forgets members dead for longer than the gossip-to-the-dead time, shuffles the rest.</summary>
    private void ResetNodes()
    {
        var now = Now;
        var removed = _nodes.RemoveAll(m => !m.IsLocal && m.DeadOrLeft && now - m.StateChange > _options.GossipToTheDeadTime && _members.Remove(m.Name));
        if (removed > 0)
        {
            _liveView = null;
            _allView = null;
        }

        for (var i = _nodes.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (_nodes[i], _nodes[j]) = (_nodes[j], _nodes[i]);
        }
    }

    private void ProbeAcked(ProbeRound round, DateTimeOffset at)
    {
        if (round.Done)
        {
            return;
        }

        round.Done = true;

        // Neither the timeout nor the deadline applies any more: cancelled, they do not wake the host.
        _timers.Cancel(round.TimeoutTimer);
        _timers.Cancel(round.DeadlineTimer);
        _awareness.ApplyDelta(-1);
        var rtt = at - round.Sent;
        _metrics?.ProbeRoundTrip(rtt < TimeSpan.Zero ? TimeSpan.Zero : rtt);
        ScheduleNextProbe(round);
    }

    private void ProbeTimedOut(ProbeRound round)
    {
        if (round.Done)
        {
            return;
        }

        var target = round.Target;
        Log.ProbeTimedOut(_logger, target.Name);
        var indirect = new IndirectPing(round.Ping.SeqNo, target.Addr, target.Port, target.Name, false, _self.Addr, _self.Port, _self.Name);
        foreach (var peer in RandomMembers(_options.IndirectChecks, m => m.IsLocal || m == target || m.Status != MemberStatus.Alive))
        {
            // Only members speaking protocol 4 or later send nacks.
            var nack = peer.ProtocolMax >= 4;
            if (nack)
            {
                round.ExpectedNacks++;
            }

            Send(peer.EndPoint, peer.Name, indirect with { Nack = nack });
        }

        if (!_options.DisableTcpPings && target.ProtocolMax >= 3)
        {
            round.FallbackPending = true;
            _fallbacks[round.Ping.SeqNo] = round;
            Emit(new SendStreamPing(target.EndPoint, target.Name, round.Ping, round.Deadline));
        }
    }

    /// <summary>The host's answer to <see cref="SendStreamPing"/>: whether the member acked over TCP.</summary>
    public IReadOnlyList<ProtocolOutput> CompleteStreamPing(uint seqNo, bool contacted)
    {
        return Run(() =>
        {
            if (_fallbacks.Remove(seqNo, out var round))
            {
                round.FallbackPending = false;
                round.FallbackContacted = contacted;
            }
        });
    }

    private void ProbeDeadline(ProbeRound round)
    {
        if (round.Done)
        {
            return;
        }

        round.Done = true;
        _fallbacks.Remove(round.Ping.SeqNo);
        if (round.FallbackContacted)
        {
            Log.OnlyTcpAnswered(_logger, round.Target.Name);
            _awareness.ApplyDelta(-1);
            ScheduleNextProbe(round);
            return;
        }

        // Lifeguard: missing nacks mean that we, not the target, may be the problem.
        _awareness.ApplyDelta(round.ExpectedNacks > 0 ? Math.Max(0, round.ExpectedNacks - round.Nacks) : 1);
        _metrics?.ProbeFailed();
        Log.ProbeFailed(_logger, round.Target.Name, round.Nacks, round.ExpectedNacks);
        ScheduleNextProbe(round);
        if (_members.TryGetValue(round.Target.Name, out var current) && current == round.Target)
        {
            SuspectNode(new Suspect(round.TargetIncarnation, round.Target.Name, _self.Name));
        }
    }

    private void ScheduleNextProbe(ProbeRound round)
    {
        var now = Now;
        var next = round.Sent + ProbeIntervalNow;
        ScheduleProbeTick(next > now ? next : now);
    }

    private ScheduledTimer SetAckHandler(uint seqNo, AckHandler handler, DateTimeOffset expires, Action? expired)
    {
        _ackHandlers[seqNo] = handler;
        return _timers.Schedule(expires, () =>
        {
            if (_ackHandlers.TryGetValue(seqNo, out var current) && current == handler)
            {
                _ackHandlers.Remove(seqNo);
                expired?.Invoke();
            }
        });
    }

    private void Dispatch(IPEndPoint from, object message, DateTimeOffset receivedAt)
    {
        _metrics?.Received(message);
        switch (message)
        {
            case Ping ping:
                HandlePing(from, ping);
                break;
            case IndirectPing indirect:
                HandleIndirectPing(from, indirect);
                break;
            case AckResponse ack:
                if (_ackHandlers.Remove(ack.SeqNo, out var handler))
                {
                    handler.OnAck(receivedAt);
                }

                break;
            case NackResponse nack:
                if (_ackHandlers.TryGetValue(nack.SeqNo, out var nackHandler))
                {
                    nackHandler.OnNack?.Invoke();
                }

                break;
            case Suspect suspect when Valid(suspect, suspect.Node, suspect.From):
                SuspectNode(suspect);
                break;
            case Alive alive when Valid(alive, alive.Node, "-") && alive.Addr is { Length: 4 or 16 }:
                if (alive.Port == 0)
                {
                    // As memberlist for protocol versions before 2: the port is the sender's.
                    alive = alive with { Port = (ushort)from.Port };
                }

                AliveNode(alive, bootstrap: false, finished: null);
                break;
            case Alive alive:
                _metrics?.Rejected(alive, "bad_address");
                break;
            case Dead dead when Valid(dead, dead.Node, dead.From):
                DeadNode(dead);
                break;
            case Suspect or Dead:
                break;
            default:
                _metrics?.Rejected(message, "unexpected_type");
                Log.UnexpectedMessage(_logger, MembershipMetricsName(message), from);
                break;
        }
    }

    private bool Valid(object message, string? node, string? from)
    {
        if (string.IsNullOrEmpty(node) || string.IsNullOrEmpty(from))
        {
            _metrics?.Rejected(message, "missing_name");
            return false;
        }

        return true;
    }

    private static string MembershipMetricsName(object message) => Metrics.MembershipMetrics.TypeName(message);

    private void HandlePing(IPEndPoint from, Ping ping)
    {
        if (!string.IsNullOrEmpty(ping.Node) && ping.Node != _self.Name)
        {
            _metrics?.Rejected(ping, "wrong_node");
            Log.PingForOtherNode(_logger, ping.Node, _self.Name);
            return;
        }

        Send(ReplyAddress(from, ping.SourceAddr, ping.SourcePort), ping.SourceNode, new AckResponse(ping.SeqNo, []));
    }

    /// <summary>memberlist's <c>handleIndirectPing</c>: probe the target for the requester, relay its ack, or nack when it stays silent.</summary>
    private void HandleIndirectPing(IPEndPoint from, IndirectPing request)
    {
        if (request.Target is not { Length: 4 or 16 })
        {
            _metrics?.Rejected(request, "bad_address");
            return;
        }

        var now = Now;
        var requester = ReplyAddress(from, request.SourceAddr, request.SourcePort);
        var port = request.Port == 0 ? _self.Port : request.Port;
        var ping = new Ping(++_sequence, request.Node, _self.Addr, _self.Port, _self.Name);
        ScheduledTimer? expiry = null;
        ScheduledTimer? nack = null;
        expiry = SetAckHandler(
            ping.SeqNo,
            new AckHandler(
                _ =>
                {
                    _timers.Cancel(expiry);
                    _timers.Cancel(nack);
                    Send(requester, request.SourceNode, new AckResponse(request.SeqNo, []));
                },
                null),
            now + _options.ProbeTimeout,
            null);
        Send(new IPEndPoint(Member.ToEndPointAddress(request.Target), port), request.Node, ping);
        if (request.Nack)
        {
            // A relayed ack cancels this timer.
            nack = _timers.Schedule(now + _options.ProbeTimeout, () => Send(requester, request.SourceNode, new NackResponse(request.SeqNo)));
        }
    }

    private static IPEndPoint ReplyAddress(IPEndPoint from, byte[]? sourceAddr, ushort sourcePort) =>
        sourceAddr is { Length: 4 or 16 } && sourcePort > 0 ? new IPEndPoint(Member.ToEndPointAddress(sourceAddr), sourcePort) : from;

    private List<Member> RandomMembers(int k, Func<Member, bool> exclude)
    {
        // memberlist's kRandomNodes: up to 3n random draws, so a small cluster is searched exhaustively.
        var picked = new List<Member>(k);
        var n = _nodes.Count;
        for (var i = 0; i < 3 * n && picked.Count < k; i++)
        {
            var node = _nodes[_random.Next(n)];
            if (!exclude(node) && !picked.Contains(node))
            {
                picked.Add(node);
            }
        }

        return picked;
    }

    /// <summary>What an ack (with the time it arrived; memberlist's ack payload is not used) or a nack for a sequence number does.</summary>
    private sealed class AckHandler(Action<DateTimeOffset> onAck, Action? onNack)
    {
        public Action<DateTimeOffset> OnAck { get; } = onAck;

        public Action? OnNack { get; } = onNack;
    }

    private sealed class ProbeRound(Member target, uint targetIncarnation, Ping ping, DateTimeOffset sent, DateTimeOffset deadline)
    {
        public Member Target { get; } = target;

        public uint TargetIncarnation { get; } = targetIncarnation;

        public Ping Ping { get; } = ping;

        public DateTimeOffset Sent { get; } = sent;

        public DateTimeOffset Deadline { get; } = deadline;

        public bool Done { get; set; }

        public int ExpectedNacks { get; set; }

        public int Nacks { get; set; }

        public bool FallbackPending { get; set; }

        public bool FallbackContacted { get; set; }

        /// <summary>When the direct ack is late and indirect probes start.</summary>
        public ScheduledTimer? TimeoutTimer { get; set; }

        /// <summary>When the round fails without any ack.</summary>
        public ScheduledTimer? DeadlineTimer { get; set; }
    }
}
