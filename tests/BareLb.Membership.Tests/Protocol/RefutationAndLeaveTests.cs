using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class RefutationAndLeaveTests
{
    [Fact]
    public void SuspicionOfSelfIsRefutedWithAHigherIncarnation()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        Assert.Equal(1u, h.Protocol.Incarnation);
        h.Handle(1, new Suspect(7, "self", NameOf(1)));
        Assert.Equal(8u, h.Protocol.Incarnation);
        var alive = Assert.IsType<Alive>(h.Protocol.PendingBroadcast("self"));
        Assert.Equal(8u, alive.Incarnation);
        Assert.Equal(MemberStatus.Alive, h.Protocol.Find("self")!.Status);
        Assert.Equal(1, h.Protocol.HealthScore);
    }

    [Fact]
    public void ARefutationGoesStraightToEveryLiveMemberWhenAsked()
    {
        var h = new ProtocolHarness();
        h.AddMembers(3);
        var outputs = h.Handle(1, new Suspect(1, "self", NameOf(1)));
        var direct = outputs.OfType<SendPacket>().Where(p => p.Messages is [Alive { Node: "self" }]).Select(p => p.ToNode).Order().ToList();
        Assert.Equal([NameOf(1), NameOf(2), NameOf(3)], direct);

        var options = UnitOptions();
        options.SendRefutationToAll = false;
        var quiet = new ProtocolHarness(options);
        quiet.AddMembers(3);
        Assert.Empty(quiet.Handle(1, new Suspect(1, "self", NameOf(1))).OfType<SendPacket>());
    }

    [Fact]
    public void DeathNoticeAboutSelfIsRefuted()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        h.Handle(1, new Dead(1, "self", NameOf(1)));
        Assert.Equal(2u, h.Protocol.Incarnation);
        Assert.IsType<Alive>(h.Protocol.PendingBroadcast("self"));
        Assert.True(h.Protocol.Find("self")!.IsLive);
    }

    [Fact]
    public void AnAliveMessageAboutSelfThatDiffersIsRefutedAndOurOwnEchoIsNot()
    {
        var h = new ProtocolHarness();
        var self = h.Protocol.LocalState().Single(s => s.Name == "self");
        h.Handle(1, new Alive(1, "self", self.Addr, self.Port, self.Meta, self.Vsn));
        Assert.Equal(1u, h.Protocol.Incarnation);
        h.Handle(1, new Alive(1, "self", self.Addr, self.Port, [42], self.Vsn));
        Assert.Equal(2u, h.Protocol.Incarnation);
    }

    [Fact]
    public void LeaveTellsEveryLiveMemberAndFinishesOnceGossipedOut()
    {
        var h = new ProtocolHarness();
        h.AddMembers(3);
        h.Advance(TimeSpan.FromSeconds(1)); // let the join gossip drain
        var outputs = h.Protocol.Leave();
        var direct = outputs.OfType<SendPacket>().Where(p => p.Messages[0] is Dead).ToList();
        Assert.Equal(3, direct.Count);
        Assert.All(direct, p => Assert.Equal(new Dead(1, "self", "self"), p.Messages[0]));
        Assert.Equal(MemberStatus.Left, h.Protocol.Find("self")!.Status);
        Assert.Empty(outputs.OfType<LeaveFinished>());

        h.AdvanceUntil<LeaveFinished>(_ => true, TimeSpan.FromSeconds(2));

        // Probing has stopped; a late suspicion about us is not refuted.
        Assert.Empty(MessagesOf<Ping>(h.Advance(TimeSpan.FromSeconds(1))));
        h.Handle(1, new Suspect(1, "self", NameOf(1)));
        Assert.Equal(1u, h.Protocol.Incarnation);
    }

    [Fact]
    public void LeaveOfTheLastMemberFinishesAtOnce()
    {
        var h = new ProtocolHarness();
        Assert.Single(h.Protocol.Leave().OfType<LeaveFinished>());
    }

    [Fact]
    public void AMemberDeclaringItselfDeadIsMarkedLeft()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        var outputs = h.Handle(1, new Dead(1, NameOf(1), NameOf(1)));
        Assert.Equal(MemberEventKind.Left, Assert.Single(EventsOf(outputs)).Kind);
        Assert.Equal(MemberStatus.Left, h.Protocol.Find(NameOf(1))!.Status);
        Assert.DoesNotContain(h.Protocol.LiveMembers, m => m.Name == NameOf(1));
    }

    [Fact]
    public void ADeadMemberMayComeBackFromAnotherAddressOnlyAfterTheReclaimTime()
    {
        var options = UnitOptions();
        options.DeadNodeReclaimTime = TimeSpan.FromSeconds(10);
        var h = new ProtocolHarness(options);
        h.AddMembers(1);
        h.Handle(2, new Dead(1, NameOf(1), NameOf(2)));
        var moved = AliveOf(1, incarnation: 2) with { Addr = EndPoint(9).Address.GetAddressBytes() };

        h.Handle(1, moved);
        Assert.Equal(MemberStatus.Dead, h.Protocol.Find(NameOf(1))!.Status);

        h.Time.Advance(TimeSpan.FromSeconds(11));
        var outputs = h.Handle(1, moved);
        Assert.Contains(EventsOf(outputs), e => e.Kind == MemberEventKind.Joined);
        Assert.Equal(EndPoint(9).Address, h.Protocol.Find(NameOf(1))!.Address.Address);
    }

    [Fact]
    public void ALiveMemberClaimedAtAnotherAddressIsAConflictAndIgnored()
    {
        var h = new ProtocolHarness();
        h.AddMembers(1);
        h.Handle(1, AliveOf(1, incarnation: 3) with { Addr = EndPoint(9).Address.GetAddressBytes() });
        var member = h.Protocol.Find(NameOf(1))!;
        Assert.Equal(EndPoint(1), member.Address);
        Assert.Equal(1u, member.Incarnation);
    }
}
