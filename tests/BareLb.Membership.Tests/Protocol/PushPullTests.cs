using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class PushPullTests
{
    private static PushNodeState StateOf(int i, uint incarnation, MemberWireState state) =>
        new(NameOf(i), EndPoint(i).Address.GetAddressBytes(), 7946, [], incarnation, state, Vsn);

    [Fact]
    public void StartAsksToJoinEachJoinAddressButItsOwn()
    {
        var h = new ProtocolHarness();
        var protocol = new MembershipProtocol(UnitOptions(), "x", EndPoint(0), h.Time, new Random(1));
        var opens = protocol.Start([EndPoint(0), EndPoint(1), EndPoint(2)]).OfType<OpenPushPull>().ToList();
        Assert.Equal([EndPoint(1), EndPoint(2)], opens.Select(o => o.To));
        Assert.All(opens, o => Assert.True(o.Join));
    }

    [Fact]
    public void MergeAddsAliveMembersMarksLeftOnesAndOnlySuspectsRemotelyDeadOnes()
    {
        var h = new ProtocolHarness();
        h.AddMembers(2); // m1 and m2 alive here
        var outputs = h.Protocol.HandlePushPull(EndPoint(5), join: true,
        [
            StateOf(1, 1, MemberWireState.Dead),   // known alive at the same incarnation: suspected, not dead
            StateOf(2, 1, MemberWireState.Left),   // left
            StateOf(3, 4, MemberWireState.Alive),  // new
            StateOf(4, 1, MemberWireState.Dead),   // unknown and dead: ignored
        ]);

        Assert.Equal(MemberStatus.Suspect, h.Protocol.Find(NameOf(1))!.Status);
        Assert.Equal(MemberStatus.Left, h.Protocol.Find(NameOf(2))!.Status);
        Assert.Equal(4u, h.Protocol.Find(NameOf(3))!.Incarnation);
        Assert.Null(h.Protocol.Find(NameOf(4)));
        Assert.Contains(EventsOf(outputs), e => e.Kind == MemberEventKind.Joined && e.Member.Name == NameOf(3));
    }

    [Fact]
    public void LocalStateListsEveryMemberWithItsState()
    {
        var h = new ProtocolHarness();
        h.AddMembers(2);
        h.Handle(1, new Dead(1, NameOf(2), NameOf(1)));
        var state = h.Protocol.LocalState().ToDictionary(s => s.Name);
        Assert.Equal(MemberWireState.Alive, state["self"].State);
        Assert.Equal(MemberWireState.Alive, state[NameOf(1)].State);
        Assert.Equal(MemberWireState.Dead, state[NameOf(2)].State);
        Assert.Equal(Vsn, state["self"].Vsn);
    }

    [Fact]
    public void CompletingAJoinMergesTheRemoteState()
    {
        var h = new ProtocolHarness();
        var protocol = new MembershipProtocol(UnitOptions(), "x", EndPoint(0), h.Time, new Random(1));
        var open = protocol.Start([EndPoint(1)]).OfType<OpenPushPull>().Single();
        var outputs = protocol.CompletePushPull(open.Id, [StateOf(1, 1, MemberWireState.Alive), StateOf(2, 1, MemberWireState.Alive)]);
        Assert.Equal(3, protocol.LiveMembers.Count);
        var finished = Assert.Single(outputs.OfType<PushPullFinished>());
        Assert.Null(finished.Error);
        Assert.True(finished.Join);
    }

    [Fact]
    public void AStateWithAnIncompatibleProtocolVersionIsRefusedWhole()
    {
        var h = new ProtocolHarness();
        var bad = StateOf(3, 1, MemberWireState.Alive) with { Vsn = [1, 5, 9, 0, 0, 0] };
        h.Protocol.HandlePushPull(EndPoint(3), false, [StateOf(1, 1, MemberWireState.Alive), bad]);
        Assert.Null(h.Protocol.Find(NameOf(1)));
    }

    [Fact]
    public void BadEntriesInAPushedStateAreSkipped()
    {
        var h = new ProtocolHarness();
        h.Protocol.HandlePushPull(EndPoint(3), false,
        [
            new PushNodeState("", [198, 18, 0, 9], 7946, [], 1, MemberWireState.Alive, Vsn),
            new PushNodeState("short", [1, 2, 3], 7946, [], 1, MemberWireState.Alive, Vsn),
            StateOf(1, 1, MemberWireState.Alive),
        ]);
        Assert.Equal(["m1", "self"], h.Protocol.LiveMembers.Select(m => m.Name));
    }

    [Fact]
    public void RejoinRetriesJoinAddressesThatAreNotLiveMembers()
    {
        var options = UnitOptions();
        options.RejoinInterval = TimeSpan.FromSeconds(1);
        var h = new ProtocolHarness();
        var protocol = new MembershipProtocol(options, "x", EndPoint(0), h.Time, new Random(1));
        var first = protocol.Start([EndPoint(1), EndPoint(2)]).OfType<OpenPushPull>().ToList();
        protocol.FailPushPull(first[0].Id, "refused");
        protocol.CompletePushPull(first[1].Id, [StateOf(2, 1, MemberWireState.Alive)]);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var retried = protocol.Tick().OfType<OpenPushPull>().ToList();
        Assert.Equal([EndPoint(1)], retried.Select(o => o.To));
    }
}
