using System.Net;
using BareLb.Lab.Soak;

namespace BareLb.Lab.Tests.Soak;

public sealed class ReachabilityTrackerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private static readonly IPAddress A = IPAddress.Parse("198.18.35.100");
    private static readonly IPAddress B = IPAddress.Parse("2001:db8:35::100");

    private static ReachabilityTracker Tracker() => new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

    private static SoakAction Step(double start, double end, SoakActionKind kind = SoakActionKind.KillSpeaker)
        => new(1, kind, "kill speaker-n1", T0.AddSeconds(start), T0.AddSeconds(end));

    [Fact]
    public void AnAddressHeldThroughAStep_GetsItsLongestGap_AndAViolationOverTheTarget()
    {
        var tracker = Tracker();
        tracker.Observe(new Dictionary<IPAddress, string> { [A] = "soak/s1", [B] = "soak/s2" }, T0, null);
        var probes = new FakeProbes();
        probes.Answering(A, T0, T0.AddSeconds(30), (T0.AddSeconds(10), T0.AddSeconds(10.4)));
        probes.Answering(B, T0, T0.AddSeconds(30), (T0.AddSeconds(10), T0.AddSeconds(11.5)));

        var outcome = tracker.Evaluate(Step(10, 10.1), T0.AddSeconds(14), probes);

        Assert.Equal(410, outcome.Gaps[A].TotalMilliseconds, 1);
        Assert.Equal(1510, outcome.Gaps[B].TotalMilliseconds, 1);
        Assert.Equal(outcome.Gaps[B], outcome.Outage);
        var violation = Assert.Single(outcome.Violations);
        Assert.Contains("2001:db8:35::100 (soak/s2) did not answer for 1510 ms", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAddressThatNeverComesBack_IsAViolation_CountedToTheEndOfTheWindow()
    {
        var tracker = Tracker();
        tracker.Observe(new Dictionary<IPAddress, string> { [A] = "soak/s1" }, T0, null);
        var probes = new FakeProbes();
        probes.Answering(A, T0, T0.AddSeconds(10));
        var outcome = tracker.Evaluate(Step(10, 10), T0.AddSeconds(14), probes);
        Assert.InRange(outcome.Gaps[A].TotalMilliseconds, 3990, 4010);
        Assert.Single(outcome.Violations);
    }

    [Fact]
    public void AddressesGivenOrTakenDuringTheStep_OrSilentBeforeIt_AreNotFollowed()
    {
        var tracker = Tracker();
        tracker.Observe(new Dictionary<IPAddress, string> { [A] = "soak/s1" }, T0, null);
        tracker.Observe(new Dictionary<IPAddress, string> { [B] = "soak/s2" }, T0.AddSeconds(11), T0.AddSeconds(10));
        var probes = new FakeProbes();
        probes.Answering(A, T0, T0.AddSeconds(11));
        probes.Answering(B, T0.AddSeconds(11.5), T0.AddSeconds(30));
        var outcome = tracker.Evaluate(Step(10, 10.5, SoakActionKind.DeleteService), T0.AddSeconds(14), probes);
        Assert.Empty(outcome.Gaps);
        Assert.Null(outcome.Outage);
        Assert.Empty(outcome.Violations);
    }

    [Fact]
    public void AnAddressMovingToAnotherService_EndsOneHolding_AndStartsAnother()
    {
        var tracker = Tracker();
        tracker.Observe(new Dictionary<IPAddress, string> { [A] = "soak/s1" }, T0, null);
        tracker.Observe(new Dictionary<IPAddress, string> { [A] = "soak/s2" }, T0.AddSeconds(5), T0.AddSeconds(4));
        Assert.Equal(2, tracker.Assignments.Count);
        Assert.Equal(T0.AddSeconds(5), tracker.Assignments[0].To);
        Assert.Equal((T0.AddSeconds(5), T0.AddSeconds(4)), (tracker.Assignments[1].From, tracker.Assignments[1].Cause));
        Assert.Equal([A], tracker.Current);
    }

    [Fact]
    public void NewAddressesAreTimedFromTheirCause_AndOnesThatNeverAnswerAreViolations()
    {
        var tracker = Tracker();
        tracker.Observe(new Dictionary<IPAddress, string> { [A] = "soak/s1", [B] = "soak/s2" }, T0.AddSeconds(1), T0);
        var probes = new FakeProbes();
        probes.Answering(A, T0.AddSeconds(1.5), T0.AddSeconds(30));
        probes.Answering(B, T0.AddSeconds(40), T0.AddSeconds(50));

        var early = tracker.Appearances(probes, T0.AddSeconds(5));
        Assert.Equal([TimeSpan.FromMilliseconds(1500)], early.Latencies);
        Assert.Empty(early.Violations); // B is young yet

        var late = tracker.Appearances(probes, T0.AddSeconds(30));
        Assert.Contains("2001:db8:35::100 (soak/s2)", Assert.Single(late.Violations), StringComparison.Ordinal);
    }
}
