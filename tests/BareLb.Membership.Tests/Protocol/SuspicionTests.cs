using BareLb.Membership.Messages;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class SuspicionTests
{
    [Theory]
    [InlineData(0, 3, 0, 30_000)]
    [InlineData(1, 3, 2_000, 14_000)]
    [InlineData(2, 3, 3_000, 4_810)]
    [InlineData(3, 3, 4_000, -2_000)]
    [InlineData(4, 3, 5_000, -3_000)]
    [InlineData(5, 3, 10_000, -8_000)]
    public void RemainingTimeMatchesMemberlistsTable(int n, int k, int elapsedMs, int expectedMs)
    {
        var remaining = Suspicion.Remaining(n, k, TimeSpan.FromMilliseconds(elapsedMs), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), remaining);
    }

    [Fact]
    public void EachNewConfirmationShortensTheDeadlineAndRepeatsDoNot()
    {
        var start = DateTimeOffset.UnixEpoch;
        var s = new Suspicion("a", 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), start);
        Assert.Equal(start + TimeSpan.FromSeconds(30), s.Deadline);
        Assert.False(s.Confirm("a", start));
        Assert.True(s.Confirm("b", start + TimeSpan.FromSeconds(2)));
        Assert.Equal(start + TimeSpan.FromSeconds(16), s.Deadline);
        Assert.False(s.Confirm("b", start + TimeSpan.FromSeconds(3)));
        Assert.True(s.Confirm("c", start + TimeSpan.FromSeconds(3)));
        Assert.True(s.Confirm("d", start + TimeSpan.FromSeconds(4)));
        Assert.Equal(start + TimeSpan.FromSeconds(4), s.Deadline); // past min: now
        Assert.False(s.Confirm("e", start + TimeSpan.FromSeconds(5))); // k reached
    }

    [Fact]
    public void WithoutExpectedConfirmationsTheTimeoutIsTheMinimum()
    {
        var s = new Suspicion("a", 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch);
        Assert.Equal(DateTimeOffset.UnixEpoch + TimeSpan.FromSeconds(2), s.Deadline);
    }

    [Fact]
    public void ConfirmationsFromOtherMembersShortenASuspicionAndAreGossipedOn()
    {
        var h = new ProtocolHarness();
        h.AddMembers(6); // 7 members: k = 2 confirmations expected
        h.Handle(2, new Suspect(1, NameOf(1), NameOf(2)));
        var min = ProtocolMath.SuspicionTimeout(4, 7, h.Options.ProbeInterval);
        var start = h.Now;

        h.Handle(3, new Suspect(1, NameOf(1), NameOf(3)));
        Assert.Equal(NameOf(3), Assert.IsType<Suspect>(h.Protocol.PendingBroadcast(NameOf(1))).From);
        h.Handle(4, new Suspect(1, NameOf(1), NameOf(4)));

        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Dead, TimeSpan.FromSeconds(10));
        AssertClose(min, h.Now - start, 1);
    }

    [Fact]
    public void DeadMembersAreNotCountedAsPossibleConfirmers()
    {
        // Four known members (k = 2 would be expected of four), one of them dead: three live, so at
        // most one other could confirm and the suspicion lasts the minimum; memberlist, counting
        // the dead one, would wait the maximum for confirmations that cannot come.
        var h = new ProtocolHarness();
        h.AddMembers(3);
        h.Answering.Add(NameOf(2));
        h.Handle(2, new Dead(1, NameOf(3), NameOf(2)));
        Assert.Equal(3, h.Protocol.LiveMembers.Count);
        var start = h.Now;
        h.Handle(2, new Suspect(1, NameOf(1), NameOf(2)));
        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Dead && c.Event.Member.Name == NameOf(1), TimeSpan.FromSeconds(60));
        AssertClose(ProtocolMath.SuspicionTimeout(h.Options.SuspicionMult, 1, h.Options.ProbeInterval), h.Now - start, 1);
    }

    [Theory]
    [InlineData(true, 520)]
    [InlineData(false, 400)]
    public void TheMinimumSuspicionGrowsWithLog10OfTheClusterSizeOnlyWhenAsked(bool scale, int expectedMs)
    {
        var options = UnitOptions();
        options.ScaleSuspicionWithClusterSize = scale;
        var h = new ProtocolHarness(options);
        h.AddMembers(19); // 20 members: log10(20) = 1.3
        h.Answering.UnionWith(Enumerable.Range(1, 19).Select(NameOf));
        h.Handle(2, new Suspect(1, NameOf(1), NameOf(2)));
        var start = h.Now;
        h.Handle(3, new Suspect(1, NameOf(1), NameOf(3)));
        h.Handle(4, new Suspect(1, NameOf(1), NameOf(4)));
        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Dead, TimeSpan.FromSeconds(10));
        AssertClose(TimeSpan.FromMilliseconds(expectedMs), h.Now - start, 1);
    }

    [Fact]
    public void AnUnconfirmedSuspicionLastsTheMaximum()
    {
        var h = new ProtocolHarness();
        h.AddMembers(6);
        h.Answering.UnionWith(Enumerable.Range(1, 6).Select(NameOf));
        h.Handle(2, new Suspect(1, NameOf(1), NameOf(2)));
        h.Handle(2, new Suspect(1, NameOf(1), NameOf(2))); // the same accuser twice is one
        var start = h.Now;
        var min = ProtocolMath.SuspicionTimeout(4, 7, h.Options.ProbeInterval);
        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Dead, TimeSpan.FromSeconds(30));
        AssertClose(min * 6, h.Now - start, 2);
    }

    [Fact]
    public void AHigherIncarnationClearsTheSuspicion()
    {
        var h = new ProtocolHarness(QuietOptions());
        h.AddMembers(2);
        h.Handle(2, new Suspect(1, NameOf(1), NameOf(2)));
        Assert.Equal(MemberStatus.Suspect, h.Protocol.Find(NameOf(1))!.Status);
        var outputs = h.Handle(1, AliveOf(1, incarnation: 2));
        Assert.Contains(EventsOf(outputs), e => e.Kind == MemberEventKind.Alive && e.Member.Name == NameOf(1));
        var after = h.Advance(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(EventsOf(after), e => e.Kind == MemberEventKind.Dead);
    }

    [Fact]
    public void StaleNewsIsIgnored()
    {
        var h = new ProtocolHarness();
        h.Handle(1, AliveOf(1, incarnation: 5));
        h.Handle(2, new Suspect(4, NameOf(1), NameOf(2)));
        h.Handle(2, new Dead(4, NameOf(1), NameOf(2)));
        Assert.Equal(MemberStatus.Alive, h.Protocol.Find(NameOf(1))!.Status);
        Assert.Empty(h.Handle(1, AliveOf(1, incarnation: 5)).OfType<MemberChanged>());
    }
}
