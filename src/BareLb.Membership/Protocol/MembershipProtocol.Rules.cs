using BareLb.Membership.Messages;

namespace BareLb.Membership.Protocol;

/// <summary>The membership rules: alive, suspect and dead news, refutation and state merging, as memberlist applies them.</summary>
internal sealed partial class MembershipProtocol
{
    /// <summary>memberlist's <c>aliveNode</c>: news that a member is alive at an incarnation.</summary>
    private void AliveNode(Alive a, bool bootstrap, Action? finished)
    {
        if (_left && a.Node == _self.Name)
        {
            return;
        }

        if (a.Vsn is { Length: >= 3 } && (a.Vsn[0] == 0 || a.Vsn[1] == 0 || a.Vsn[0] > a.Vsn[1]))
        {
            _metrics?.Rejected(a, "bad_version");
            Log.BadVersion(_logger, a.Node);
            return;
        }

        var now = Now;
        var updatesNode = false;
        if (!_members.TryGetValue(a.Node, out var member))
        {
            var isLocal = a.Node == _self.Name;
            member = isLocal ? _self : new Member(a.Node, a.Addr, a.Port, a.Meta ?? [], a.Vsn is { Length: >= 6 } ? a.Vsn : [], isLocal: false);
            _members.Add(a.Node, member);
            var offset = _random.Next(_nodes.Count + 1);
            _nodes.Add(member);
            (_nodes[offset], _nodes[^1]) = (_nodes[^1], _nodes[offset]);
            Changed(member);
        }
        else if (!member.SameAddress(a.Addr, a.Port))
        {
            var canReclaim = _options.DeadNodeReclaimTime > TimeSpan.Zero && now - member.StateChange > _options.DeadNodeReclaimTime;
            if (member.Status == MemberStatus.Left || (member.Status == MemberStatus.Dead && canReclaim))
            {
                Log.AddressUpdated(_logger, member.Name, member.EndPoint, Member.ToEndPointAddress(a.Addr), a.Port);
                updatesNode = true;
            }
            else
            {
                _metrics?.Rejected(a, "address_conflict");
                Log.AddressConflict(_logger, member.Name, member.EndPoint, Member.ToEndPointAddress(a.Addr), a.Port, member.Status);
                return;
            }
        }

        if (a.Incarnation <= member.Incarnation && !member.IsLocal && !updatesNode)
        {
            return;
        }

        if (a.Incarnation < member.Incarnation && member.IsLocal)
        {
            return;
        }

        member.Suspicion = null;
        var oldStatus = member.Status;
        var oldMeta = member.Meta;
        if (!bootstrap && member.IsLocal)
        {
            if (a.Incarnation == member.Incarnation && (a.Meta ?? []).AsSpan().SequenceEqual(member.Meta) && (a.Vsn ?? []).AsSpan().SequenceEqual(member.Vsn))
            {
                return;
            }

            Refute(member, a.Incarnation);
            Log.RefutingAlive(_logger, a.Node, a.Incarnation);
        }
        else
        {
            Broadcast(a.Node, a, finished);
            if (a.Vsn is { Length: >= 6 })
            {
                member.Vsn = a.Vsn;
            }

            member.Incarnation = a.Incarnation;
            member.Meta = a.Meta ?? [];
            if (!member.SameAddress(a.Addr, a.Port))
            {
                member.SetAddress(a.Addr, a.Port);
            }

            if (member.Status != MemberStatus.Alive)
            {
                member.Status = MemberStatus.Alive;
                member.StateChange = now;
            }

            Changed(member);
        }

        if (oldStatus is MemberStatus.Dead or MemberStatus.Left)
        {
            Log.MemberJoined(_logger, member.Name, member.EndPoint, member.Incarnation);
            Notify(MemberEventKind.Joined, member);
        }
        else if (!oldMeta.AsSpan().SequenceEqual(member.Meta))
        {
            Notify(MemberEventKind.Updated, member);
        }
        else if (oldStatus == MemberStatus.Suspect && member.Status == MemberStatus.Alive)
        {
            Log.SuspicionCleared(_logger, member.Name, member.Incarnation);
            Notify(MemberEventKind.Alive, member);
        }
    }

    /// <summary>memberlist's <c>suspectNode</c>: news that a member failed a probe.</summary>
    private void SuspectNode(Suspect s)
    {
        if (!_members.TryGetValue(s.Node, out var member) || s.Incarnation < member.Incarnation)
        {
            return;
        }

        var now = Now;
        if (member.Suspicion is { } running)
        {
            if (running.Confirm(s.From, now))
            {
                Broadcast(s.Node, s);
                ScheduleSuspicionTimeout(member, running);
            }

            return;
        }

        if (member.Status != MemberStatus.Alive)
        {
            return;
        }

        if (member.IsLocal)
        {
            Refute(member, s.Incarnation);
            Log.RefutingSuspect(_logger, s.From);
            return;
        }

        Broadcast(s.Node, s);
        _metrics?.Suspected();
        member.Incarnation = s.Incarnation;
        member.Status = MemberStatus.Suspect;
        member.StateChange = now;

        // As memberlist: expect SuspicionMult - 2 confirmations, so that the nominal timeout is hit
        // two probe intervals early; none when there are too few other members to confirm. Unlike
        // memberlist, which counts every member it knows, dead and left members are not counted:
        // they cannot confirm, and a two-member cluster with a recently dead third would otherwise
        // wait the maximum timeout for a confirmation that cannot come.
        var k = _options.SuspicionMult - 2;
        var n = _nodes.Count;
        var live = 0;
        foreach (var known in _nodes)
        {
            if (!known.DeadOrLeft)
            {
                live++;
            }
        }

        if (live - 2 < k)
        {
            k = 0;
        }

        var min = ProtocolMath.SuspicionTimeout(_options.SuspicionMult, _options.ScaleSuspicionWithClusterSize ? n : 1, _options.ProbeInterval);
        var max = min * _options.SuspicionMaxTimeoutMult;
        var suspicion = new Suspicion(s.From, k, min, max, now);
        member.Suspicion = suspicion;
        ScheduleSuspicionTimeout(member, suspicion);
        Changed(member);
        Log.MemberSuspect(_logger, member.Name, s.From, member.Incarnation, suspicion.Deadline - now);
        Notify(MemberEventKind.Suspect, member);
    }

    private void ScheduleSuspicionTimeout(Member member, Suspicion suspicion) =>
        _timers.Schedule(suspicion.Deadline, () =>
        {
            if (member.Suspicion != suspicion || member.Status != MemberStatus.Suspect || suspicion.Deadline > Now)
            {
                return;
            }

            Log.SuspicionTimedOut(_logger, member.Name, suspicion.Confirmations, suspicion.Expected);
            DeadNode(new Dead(member.Incarnation, member.Name, _self.Name));
        });

    /// <summary>memberlist's <c>deadNode</c>: news that a member is dead, or left when it says so itself.</summary>
    private void DeadNode(Dead d)
    {
        if (!_members.TryGetValue(d.Node, out var member) || d.Incarnation < member.Incarnation)
        {
            return;
        }

        member.Suspicion = null;
        if (member.DeadOrLeft)
        {
            return;
        }

        if (member.IsLocal)
        {
            if (!_left)
            {
                Refute(member, d.Incarnation);
                Log.RefutingDead(_logger, d.From);
                return;
            }

            Broadcast(d.Node, d, FinishLeave);
        }
        else
        {
            Broadcast(d.Node, d);
        }

        member.Incarnation = d.Incarnation;
        member.Status = d.Node == d.From ? MemberStatus.Left : MemberStatus.Dead;
        member.StateChange = Now;
        Changed(member);
        if (member.Status == MemberStatus.Left)
        {
            Log.MemberLeft(_logger, member.Name);
            Notify(MemberEventKind.Left, member);
        }
        else
        {
            Log.MemberDead(_logger, member.Name, d.From);
            Notify(MemberEventKind.Dead, member);
        }
    }

    /// <summary>memberlist's <c>refute</c>: beat <paramref name="accused"/> with a higher incarnation and gossip that we are alive.</summary>
    private void Refute(Member self, uint accused)
    {
        var incarnation = ++_incarnation;
        if (accused >= incarnation)
        {
            incarnation = accused + 1;
            _incarnation = incarnation;
        }

        self.Incarnation = incarnation;
        Changed(self);
        _awareness.ApplyDelta(1);
        _metrics?.Refuted();
        var alive = new Alive(incarnation, self.Name, self.Addr, self.Port, self.Meta, _vsn);
        Broadcast(self.Name, alive);
        if (_options.SendRefutationToAll)
        {
            foreach (var member in _nodes)
            {
                if (!member.IsLocal && !member.DeadOrLeft)
                {
                    SendRaw(member.EndPoint, member.Name, [alive]);
                }
            }
        }
    }

    /// <summary>memberlist's <c>mergeRemoteState</c>: checks versions, then applies each member's state; returns why it refused, or null.</summary>
    private string? MergeRemoteState(IReadOnlyList<PushNodeState> remote)
    {
        if (VerifyProtocol(remote) is { } error)
        {
            return error;
        }

        foreach (var r in remote)
        {
            if (r is null || string.IsNullOrEmpty(r.Name) || r.Addr is null || r.Addr.Length is not (4 or 16))
            {
                continue;
            }

            switch (r.State)
            {
                case MemberWireState.Alive:
                    AliveNode(new Alive(r.Incarnation, r.Name, r.Addr, r.Port, r.Meta ?? [], r.Vsn ?? []), bootstrap: false, finished: null);
                    break;
                case MemberWireState.Left:
                    DeadNode(new Dead(r.Incarnation, r.Name, r.Name));
                    break;
                case MemberWireState.Dead:
                case MemberWireState.Suspect:
                    // As memberlist: a remote's dead member is only suspected here, so that it can refute.
                    SuspectNode(new Suspect(r.Incarnation, r.Name, _self.Name));
                    break;
                default:
                    break;
            }
        }

        return null;
    }

    /// <summary>memberlist's <c>verifyProtocol</c>: every live member's current protocol version must be understood by all.</summary>
    private string? VerifyProtocol(IReadOnlyList<PushNodeState> remote)
    {
        int maxPMin = 0, minPMax = byte.MaxValue, maxDMin = 0, minDMax = byte.MaxValue;
        foreach (var r in remote)
        {
            if (r is null || r.State != MemberWireState.Alive || r.Vsn is not { Length: >= 5 })
            {
                continue;
            }

            maxPMin = Math.Max(maxPMin, r.Vsn[0]);
            minPMax = Math.Min(minPMax, r.Vsn[1]);
            maxDMin = Math.Max(maxDMin, r.Vsn[3]);
            minDMax = Math.Min(minDMax, r.Vsn[4]);
        }

        foreach (var m in _nodes)
        {
            if (m.Status != MemberStatus.Alive || m.Vsn.Length < 6)
            {
                continue;
            }

            maxPMin = Math.Max(maxPMin, m.Vsn[0]);
            minPMax = Math.Min(minPMax, m.Vsn[1]);
            maxDMin = Math.Max(maxDMin, m.Vsn[3]);
            minDMax = Math.Min(minDMax, m.Vsn[4]);
        }

        foreach (var r in remote)
        {
            if (r is null)
            {
                continue;
            }

            int pCur = 0, dCur = 0;
            if (r.Vsn is { Length: >= 6 })
            {
                pCur = r.Vsn[2];
                dCur = r.Vsn[5];
            }

            if (pCur < maxPMin || pCur > minPMax)
            {
                return $"member {r.Name}: protocol version {pCur} is outside the cluster's [{maxPMin}, {minPMax}]";
            }

            if (dCur < maxDMin || dCur > minDMax)
            {
                return $"member {r.Name}: delegate protocol version {dCur} is outside the cluster's [{maxDMin}, {minDMax}]";
            }
        }

        return null;
    }
}
