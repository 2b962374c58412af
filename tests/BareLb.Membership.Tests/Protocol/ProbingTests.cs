using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class ProbingTests
{
    [Fact]
    public void ProbeAckedInTimeKeepsTheMemberAliveAndHealthAtZero()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        var (packet, ping) = h.NextProbe();
        Assert.Equal(EndPoint(1), packet.To);
        Assert.Equal(NameOf(1), ping.Node);
        Assert.Equal("self", ping.SourceNode);

        h.Handle(1, new AckResponse(ping.SeqNo, []));
        var later = h.Advance(TimeSpan.FromMilliseconds(90));

        Assert.Empty(MessagesOf<IndirectPing>(later));
        Assert.Empty(later.OfType<SendStreamPing>());
        Assert.Equal(MemberStatus.Alive, h.Protocol.Find(NameOf(1))!.Status);
        Assert.Equal(0, h.Protocol.HealthScore);
    }

    [Fact]
    public void AnAckedProbeLeavesNoTimerBeforeTheNextProbe()
    {
        // A timeout that no longer applies would still wake the host: once the ack is in, the next thing due is the next probe.
        var options = UnitOptions();
        options.GossipInterval = TimeSpan.Zero;
        var h = new ProtocolHarness(options);
        h.AddMembers(2);
        var (_, ping) = h.NextProbe();
        var sentAt = h.Now;
        Assert.Equal(sentAt + options.ProbeTimeout, h.Protocol.NextDue);

        h.Handle(int.Parse(ping.Node[1..], System.Globalization.CultureInfo.InvariantCulture), new AckResponse(ping.SeqNo, []));

        Assert.Equal(sentAt + options.ProbeInterval, h.Protocol.NextDue);
    }

    [Fact]
    public void ProbesWalkEveryMemberRoundRobin()
    {
        var h = new ProtocolHarness();
        h.AddMembers(4);
        var probed = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var (_, ping) = h.NextProbe();
            probed.Add(ping.Node);
            h.Handle(int.Parse(ping.Node[1..], System.Globalization.CultureInfo.InvariantCulture), new AckResponse(ping.SeqNo, []));
        }

        Assert.Equal(4, probed.Take(4).Distinct().Count());
        Assert.Equal(4, probed.Skip(4).Distinct().Count());
    }

    [Fact]
    public void UnansweredProbeGoesIndirectThenSuspectThenDeadAfterTheSuspicionTimeout()
    {
        var h = new ProtocolHarness();
        h.AddMembers(3);
        var (_, ping) = h.NextProbe();
        var target = ping.Node;
        var sentAt = h.Now;

        var indirectPhase = h.Advance(h.Options.ProbeTimeout);
        var indirect = MessagesOf<IndirectPing>(indirectPhase).ToList();
        Assert.Equal(2, indirect.Count); // IndirectChecks is 3, but only two other members exist
        Assert.All(indirect, i => Assert.Equal(target, i.Node));
        Assert.All(indirect, i => Assert.True(i.Nack));
        var fallback = Assert.Single(indirectPhase.OfType<SendStreamPing>());
        Assert.Equal(sentAt + h.Options.ProbeInterval, fallback.Deadline);
        h.Protocol.CompleteStreamPing(fallback.Ping.SeqNo, contacted: false);

        var suspect = h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Suspect);
        Assert.Equal(target, suspect.Event.Member.Name);
        Assert.Equal(sentAt + h.Options.ProbeInterval, h.Now);

        // 4 members: k = SuspicionMult - 2 = 2 confirmations expected (n - 2 = 2 can give them), so the timeout starts at the maximum.
        var min = ProtocolMath.SuspicionTimeout(4, 4, h.Options.ProbeInterval);
        var suspectedAt = h.Now;
        var dead = h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Dead && c.Event.Member.Name == target, TimeSpan.FromSeconds(5));
        AssertClose(min * 6, h.Now - suspectedAt, 1);
        Assert.Equal(MemberStatus.Dead, dead.Event.Member.Status);
        Assert.DoesNotContain(target, h.Protocol.LiveMembers.Select(m => m.Name));
    }

    [Fact]
    public void AnAckRelayedByAnIndirectProberSavesTheMember()
    {
        var h = new ProtocolHarness();
        h.AddMembers(2);
        var (_, ping) = h.NextProbe();
        h.Advance(h.Options.ProbeTimeout);
        h.Handle(2, new AckResponse(ping.SeqNo, []));
        var rest = h.Advance(h.Options.ProbeInterval);
        Assert.DoesNotContain(EventsOf(rest), e => e.Kind == MemberEventKind.Suspect);
    }

    [Fact]
    public void ATCPAnswerSavesTheMemberWhenUDPFails()
    {
        var h = new ProtocolHarness();
        h.AddMembers(2);
        h.NextProbe();
        var fallback = h.AdvanceUntil<SendStreamPing>(_ => true);
        h.Protocol.CompleteStreamPing(fallback.Ping.SeqNo, contacted: true);
        var rest = h.Advance(h.Options.ProbeInterval);
        Assert.DoesNotContain(EventsOf(rest), e => e.Kind == MemberEventKind.Suspect);
    }

    [Fact]
    public void ASuspectMemberIsProbedWithTheSuspicionAttached()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        h.Handle(1, new Suspect(1, NameOf(1), "other"));
        var (packet, _) = h.NextProbe();
        var suspect = Assert.IsType<Suspect>(packet.Messages[1]);
        Assert.Equal(NameOf(1), suspect.Node);
        Assert.Equal("self", suspect.From);
    }

    [Fact]
    public void PingIsAckedToItsSourceAddressWithGossipPiggybacked()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        var outputs = h.Handle(2, new Ping(77, "self", EndPoint(5).Address.GetAddressBytes(), 7000, "m5"));
        var packet = Assert.Single(outputs.OfType<SendPacket>());
        Assert.Equal(new System.Net.IPEndPoint(EndPoint(5).Address, 7000), packet.To);
        Assert.Equal(77u, Assert.IsType<AckResponse>(packet.Messages[0]).SeqNo);
        Assert.Contains(packet.Messages.Skip(1), m => m is Alive a && a.Node == NameOf(1));
    }

    [Fact]
    public void PingForAnotherMemberIsNotAnswered()
    {
        var h = new ProtocolHarness();
        Assert.Empty(h.Handle(1, new Ping(1, "someone-else")).OfType<SendPacket>());
        Assert.Null(h.Protocol.AnswerStreamPing(new Ping(1, "someone-else")));
        Assert.Equal(1u, h.Protocol.AnswerStreamPing(new Ping(1, "self"))!.SeqNo);
    }

    [Fact]
    public void IndirectPingRelaysTheAckOrSendsANackWhenTheTargetIsSilent()
    {
        var h = new ProtocolHarness();
        h.AddMembers(2);
        var request = new IndirectPing(9, EndPoint(2).Address.GetAddressBytes(), 7946, NameOf(2), true, EndPoint(1).Address.GetAddressBytes(), 7946, NameOf(1));

        var ping = MessagesOf<Ping>(h.Handle(1, request)).Single();
        var relayed = h.Handle(2, new AckResponse(ping.SeqNo, []));
        Assert.Equal(9u, MessagesOf<AckResponse>(relayed).Single().SeqNo);
        Assert.Empty(MessagesOf<NackResponse>(h.Advance(h.Options.ProbeTimeout)));

        h.Handle(1, request with { SeqNo = 10 });
        var silent = h.Advance(h.Options.ProbeTimeout + TimeSpan.FromMilliseconds(1));
        Assert.Equal(10u, MessagesOf<NackResponse>(silent).Single().SeqNo);
    }

    [Fact]
    public void MissingNacksRaiseTheHealthScoreWhichStretchesTheProbeDeadline()
    {
        var h = new ProtocolHarness();
        h.AddMembers(3);
        var (_, ping) = h.NextProbe();
        var first = h.AdvanceUntil<SendStreamPing>(_ => true);
        Assert.Equal(ping.SeqNo, first.Ping.SeqNo);

        // Two indirect probers were asked and neither answered with a nack: we may be the one in trouble.
        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Suspect);
        Assert.Equal(2, h.Protocol.HealthScore);

        // The next probe starts at once; its deadline is the probe interval times (score + 1).
        var second = h.AdvanceUntil<SendStreamPing>(s => s.Ping.SeqNo != ping.SeqNo);
        var started = h.Now - h.Options.ProbeTimeout;
        AssertClose(h.Options.ProbeInterval * 3, second.Deadline - started, 1);
    }

    [Fact]
    public void NacksReceivedInTimeKeepTheHealthScoreAtZero()
    {
        var h = new ProtocolHarness();
        h.AddMembers(3);
        var (_, ping) = h.NextProbe();
        h.AdvanceUntil<SendStreamPing>(_ => true);
        h.Handle(2, new NackResponse(ping.SeqNo));
        h.Handle(3, new NackResponse(ping.SeqNo));
        h.Handle(1, new NackResponse(ping.SeqNo));
        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Suspect);
        Assert.Equal(0, h.Protocol.HealthScore);
    }

    [Fact]
    public void SuccessfulProbesLowerTheHealthScore()
    {
        var awareness = new Awareness(8);
        awareness.ApplyDelta(3);
        Assert.Equal(TimeSpan.FromMilliseconds(400), awareness.Scale(TimeSpan.FromMilliseconds(100)));
        awareness.ApplyDelta(-1);
        Assert.Equal(2, awareness.Score);
        awareness.ApplyDelta(100);
        Assert.Equal(7, awareness.Score);
        awareness.ApplyDelta(-100);
        Assert.Equal(0, awareness.Score);
    }

    [Fact]
    public void ProbeTimeoutScalesWithHealthWhenAsked()
    {
        var options = UnitOptions();
        options.ScaleProbeTimeoutWithHealth = true;
        var h = new ProtocolHarness(options);
        h.AddMembers(1);
        h.Handle(1, new Suspect(1, "self", NameOf(1))); // refuting costs one point of health
        Assert.Equal(1, h.Protocol.HealthScore);
        var (_, ping) = h.NextProbe();
        var start = h.Now;
        var fallback = h.AdvanceUntil<SendStreamPing>(s => s.Ping.SeqNo == ping.SeqNo);
        AssertClose(h.Options.ProbeTimeout * 2, h.Now - start, 1);
        Assert.Equal(h.Options.ProbeInterval * 2, fallback.Deadline - start);
    }
}
