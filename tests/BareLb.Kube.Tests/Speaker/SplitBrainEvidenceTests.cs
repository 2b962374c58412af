using BareLb.Kube.Speaker;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>The tie-break's rule on a fake clock: which status renewals count as evidence of a live speaker, and for how long.</summary>
public sealed class SplitBrainEvidenceTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(600);
    private readonly FakeTimeProvider _time = new();
    private readonly SplitBrainEvidence _evidence;

    public SplitBrainEvidenceTests() => _evidence = new SplitBrainEvidence("me", Window, TimeSpan.FromSeconds(30), _time);

    private IReadOnlySet<string> Alive(params string[] live) => _evidence.AliveByApi(["me", "a", "b"], live.ToHashSet());

    [Fact]
    public void ARenewalAfterTheLoss_CountsForTheWindow_ThenRunsOut()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _time.Advance(TimeSpan.FromSeconds(1));
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("metallb-system/l2-x", "a", "stamp-1");
        Assert.Equal(["a"], Alive("me"));
        Assert.NotNull(_evidence.NextExpiry());
        _time.Advance(Window);
        Assert.Empty(Alive("me"));
        Assert.Null(_evidence.NextExpiry());
    }

    [Fact]
    public void ARenewalBeforeTheLoss_IsNoEvidence_ADeadSpeakerIsTakenOver()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _evidence.ObserveStatusChange("metallb-system/l2-x", "a", "stamp-2");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        Assert.Empty(Alive("me"));
    }

    [Fact]
    public void ALiveMember_OrThisNode_IsNeverCountedThroughTheApi()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k1", "a", "stamp-3");
        _evidence.ObserveStatusChange("k2", "me", "stamp-4");
        Assert.Empty(Alive("me", "a"));
    }

    [Fact]
    public void ANodeNeverSeenAlive_CountsWhenItRenewsAfterTheStart()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k", "b", "stamp-5");
        Assert.Equal(["b"], Alive("me"));
    }

    [Fact]
    public void Renewing_WhileAMemberIsMissingAndItsNodeIsUp_OrAfterACompetitor()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        Assert.False(_evidence.ShouldRenew(_ => true));
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        Assert.True(_evidence.ShouldRenew(_ => true));
        Assert.False(_evidence.ShouldRenew(_ => false)); // its node is down: a crash, not a split
        _evidence.ObserveCompetitor();
        Assert.True(_evidence.ShouldRenew(_ => false));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(_evidence.ShouldRenew(_ => false));
        _evidence.ObserveMembership(null);
        Assert.False(_evidence.ShouldRenew(_ => true)); // no membership: nothing to break ties for
    }

    [Fact]
    public void Freshness_IsPerObject_AndDeletionForgetsIt()
    {
        var before = _time.GetTimestamp();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k", "a", "stamp-6");
        Assert.True(_evidence.IsFresh("k"));
        Assert.True(_evidence.ChangedSince("k", before));
        _evidence.ObserveStatusDeleted("k");
        Assert.False(_evidence.IsFresh("k"));
        _evidence.ObserveStatusChange("k", "a", "stamp-7");
        _time.Advance(Window);
        Assert.False(_evidence.IsFresh("k"));
    }

    [Fact]
    public void AWriteThatIsNoRenewal_IsNoEvidence_ALateStatusOfANodeThatLeftDoesNotBringItBack()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _evidence.ObserveExisting("k", null);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _evidence.ObserveMembership(new HashSet<string> { "me" }); // a left gracefully
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k", "a", null); // its status write from before the leave arrives now
        Assert.Empty(Alive("me"));
        Assert.True(_evidence.IsFresh("k")); // but the object is fresh: not cleaned up as an orphan yet
    }

    [Fact]
    public void TheSameStamp_IsNoRenewal_NorIsTheStampListedBeforeTheSync()
    {
        _evidence.ObserveExisting("k", "t1");
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k", "a", "t1"); // another field changed; the stamp did not
        Assert.Empty(Alive("me"));
        _evidence.ObserveStatusChange("k", "a", "t2");
        Assert.Equal(["a"], Alive("me"));
        _evidence.ObserveStatusDeleted("k");
        _time.Advance(Window);
        _evidence.ObserveStatusChange("k", "a", "t2"); // recreated with the stamp it had: unknown again, so a renewal
        Assert.Equal(["a"], Alive("me"));
    }
}
