using System.Net;

namespace BareLb.Membership.Protocol;

/// <summary>Dissemination: gossip rounds, periodic push-pull and rejoining the join addresses.</summary>
internal sealed partial class MembershipProtocol
{
    /// <summary>
    /// memberlist's <c>gossip</c>: pending news to a few random members, recently dead ones included
    /// so that they can refute. A round that finds nothing to send lets gossip rest instead of
    /// waking every interval for nothing; <see cref="WakeGossip"/> resumes it on the same beat when
    /// news is queued, so a message leaves exactly when the rounds would have sent it.
    /// </summary>
    private void GossipTick()
    {
        var now = Now;
        _lastGossipRound = now;
        if (_broadcasts.Count == 0)
        {
            _gossipResting = true;
            return;
        }

        _timers.Schedule(now + _options.GossipInterval, GossipTick);

        var targets = RandomMembers(_options.GossipNodes, m => m.IsLocal || m.Status switch
        {
            MemberStatus.Alive or MemberStatus.Suspect => false,
            MemberStatus.Dead => now - m.StateChange > _options.GossipToTheDeadTime,
            _ => true,
        });
        var budget = _options.UdpBufferSize - CompoundHeaderOverhead - _sizer.PacketOverhead;
        foreach (var target in targets)
        {
            var messages = new List<object>();
            if (_broadcasts.Take(CompoundOverhead, budget, TransmitLimit, messages) == 0)
            {
                return;
            }

            SendRaw(target.EndPoint, target.Name, messages);
        }
    }

    /// <summary>Resumes resting gossip at the next round the interval would have given, counted from the last round.</summary>
    private void WakeGossip()
    {
        if (!_gossipResting)
        {
            return;
        }

        _gossipResting = false;
        var interval = _options.GossipInterval.Ticks;
        var rounds = Math.Max(1, ((Now - _lastGossipRound).Ticks + interval - 1) / interval);
        _timers.Schedule(_lastGossipRound + TimeSpan.FromTicks(rounds * interval), GossipTick);
    }

    /// <summary>memberlist's <c>pushPull</c>: a full state exchange with one random live member, less often in large clusters.</summary>
    private void PushPullTick()
    {
        var now = Now;
        _timers.Schedule(now + ProtocolMath.PushPullScale(_options.PushPullInterval, _nodes.Count), PushPullTick);
        if (_left)
        {
            return;
        }

        var peers = RandomMembers(1, m => m.IsLocal || m.Status != MemberStatus.Alive);
        if (peers.Count == 1)
        {
            StartPushPull(peers[0].EndPoint, peers[0].Name, join: false);
        }
    }

    /// <summary>Joins again each join address that is no live member's, as MetalLB's speaker does, so that a split cluster merges once healed.</summary>
    private void RejoinTick()
    {
        _timers.Schedule(Now + _options.RejoinInterval, RejoinTick);
        if (_left)
        {
            return;
        }

        foreach (var seed in _seeds)
        {
            if (!_nodes.Exists(m => !m.DeadOrLeft && m.EndPoint.Equals(seed)) && !PushPullPendingTo(seed))
            {
                StartPushPull(seed, null, join: true);
            }
        }
    }

    private bool PushPullPendingTo(IPEndPoint to)
    {
        foreach (var pending in _pushPulls.Values)
        {
            if (pending.To.Equals(to))
            {
                return true;
            }
        }

        return false;
    }

    private void StartPushPull(IPEndPoint to, string? node, bool join)
    {
        var id = ++_nextPushPullId;
        _pushPulls.Add(id, new PendingPushPull(to, join));
        Emit(new OpenPushPull(id, to, node, join, _options.TcpTimeout));

        // A host that never answers must not leave the exchange pending forever.
        _timers.Schedule(Now + _options.TcpTimeout + _options.TcpTimeout, () =>
        {
            if (_pushPulls.Remove(id, out var pending))
            {
                Emit(new PushPullFinished(id, pending.To, pending.Join, "no answer from the transport"));
            }
        });
    }
}
