using BareLb.Kube.Speaker;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>The tie-break's rule on a fake clock: which status changes count as evidence of a live speaker, and for how long.</summary>
public sealed class SplitBrainEvidenceTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(600);
    private readonly FakeTimeProvider _time = new();
    private readonly SplitBrainEvidence _evidence;

    public SplitBrainEvidenceTests() => _evidence = new SplitBrainEvidence("me", Window, TimeSpan.FromSeconds(30), _time);

    private IReadOnlySet<string> Alive(params string[] live) => _evidence.AliveByApi(["me", "a", "b"], live.ToHashSet());

    [Fact]
    public void AChangeAfterTheLoss_CountsForTheWindow_ThenRunsOut()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _time.Advance(TimeSpan.FromSeconds(1));
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("metallb-system/l2-x", "a");
        Assert.Equal(["a"], Alive("me"));
        Assert.NotNull(_evidence.NextExpiry());
        _time.Advance(Window);
        Assert.Empty(Alive("me"));
        Assert.Null(_evidence.NextExpiry());
    }

    [Fact]
    public void AChangeBeforeTheLoss_IsNoEvidence_ADeadSpeakerIsTakenOver()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _evidence.ObserveStatusChange("metallb-system/l2-x", "a");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        Assert.Empty(Alive("me"));
    }

    [Fact]
    public void ALiveMember_OrThisNode_IsNeverCountedThroughTheApi()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me", "a" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k1", "a");
        _evidence.ObserveStatusChange("k2", "me");
        Assert.Empty(Alive("me", "a"));
    }

    [Fact]
    public void ANodeNeverSeenAlive_CountsWhenItChangesAfterTheStart()
    {
        _evidence.ObserveMembership(new HashSet<string> { "me" });
        _time.Advance(TimeSpan.FromMilliseconds(1));
        _evidence.ObserveStatusChange("k", "b");
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
        _evidence.ObserveStatusChange("k", "a");
        Assert.True(_evidence.IsFresh("k"));
        Assert.True(_evidence.ChangedSince("k", before));
        _evidence.ObserveStatusDeleted("k");
        Assert.False(_evidence.IsFresh("k"));
        _evidence.ObserveStatusChange("k", "a");
        _time.Advance(Window);
        Assert.False(_evidence.IsFresh("k"));
    }
}
