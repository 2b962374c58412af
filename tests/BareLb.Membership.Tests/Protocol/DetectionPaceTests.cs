using System.Diagnostics.Metrics;
using BareLb.Membership.Messages;
using BareLb.Membership.Metrics;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class DetectionPaceTests
{
    private static MembershipOptions PaceOptions()
    {
        var options = UnitOptions();
        options.GossipInterval = TimeSpan.Zero;
        options.RelaxedProbeInterval = TimeSpan.FromSeconds(1);
        return options;
    }

    private static ProtocolHarness AnsweringHarness(MembershipOptions options, MembershipMetrics? metrics = null)
    {
        var h = new ProtocolHarness(options, metrics: metrics);
        h.AddMembers(3);
        h.Answering.UnionWith([NameOf(1), NameOf(2), NameOf(3)]);
        return h;
    }

    private static int Probes(IEnumerable<ProtocolOutput> outputs) => MessagesOf<Ping>(outputs).Count();

    [Fact]
    public void AMemberStartsFast_AndProbesEveryProbeInterval()
    {
        var h = AnsweringHarness(PaceOptions());
        h.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(DetectionPace.Fast, h.Protocol.Pace);
        var probes = Probes(h.Advance(TimeSpan.FromSeconds(2)));

        Assert.InRange(probes, 19, 21);
    }

    [Fact]
    public void ARelaxedMember_ProbesOnceARelaxedInterval_AndStillWalksEveryMember()
    {
        var h = AnsweringHarness(PaceOptions());
        h.Protocol.SetPace(DetectionPace.Relaxed);
        h.Advance(TimeSpan.FromMilliseconds(1_500));

        var outputs = h.Advance(TimeSpan.FromSeconds(6));

        Assert.InRange(Probes(outputs), 5, 7);
        Assert.Equal(3, MessagesOf<Ping>(outputs).Select(p => p.Node).Distinct().Count());
        Assert.All(h.Protocol.Members, m => Assert.Equal(MemberStatus.Alive, m.Status));
    }

    [Fact]
    public void GoingFast_SendsTheNextProbeAtOnce_NotAtTheEndOfTheRelaxedInterval()
    {
        var h = AnsweringHarness(PaceOptions());
        h.Protocol.SetPace(DetectionPace.Relaxed);
        h.NextProbe();
        h.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(h.Protocol.NextDue > h.Now + TimeSpan.FromMilliseconds(700), "relaxed: the next probe is most of a second away");

        h.Protocol.SetPace(DetectionPace.Fast);

        Assert.Equal(h.Now, h.Protocol.NextDue);
        var probes = Probes(h.Advance(TimeSpan.FromSeconds(1)));
        Assert.InRange(probes, 10, 11);
    }

    [Fact]
    public void GoingFastWhileAProbeIsInFlight_StartsNoSecondProbe_AndTheNextFollowsTheFastInterval()
    {
        var options = PaceOptions();
        var h = new ProtocolHarness(options);
        h.AddMembers(2);
        h.Protocol.SetPace(DetectionPace.Relaxed);
        var (_, ping) = h.NextProbe();
        var sentAt = h.Now;

        h.Protocol.SetPace(DetectionPace.Fast);
        Assert.Empty(MessagesOf<Ping>(h.Advance(TimeSpan.FromMilliseconds(5))));
        h.Handle(int.Parse(ping.Node[1..], System.Globalization.CultureInfo.InvariantCulture), new AckResponse(ping.SeqNo, []));

        Assert.Equal(sentAt + options.ProbeInterval, h.Protocol.NextDue);
    }

    [Fact]
    public void ARelaxedMember_StillSuspectsAMemberThatStopsAnswering()
    {
        var h = AnsweringHarness(PaceOptions());
        h.Protocol.SetPace(DetectionPace.Relaxed);
        h.Answering.Remove(NameOf(2));

        var suspect = h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Suspect, TimeSpan.FromSeconds(10));

        Assert.Equal(NameOf(2), suspect.Event.Member.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public void ARelaxedIntervalOfZeroOrShorterThanTheProbeInterval_KeepsTheProbeInterval(int relaxedMs)
    {
        var options = PaceOptions();
        options.RelaxedProbeInterval = TimeSpan.FromMilliseconds(relaxedMs);
        var h = AnsweringHarness(options);
        h.Protocol.SetPace(DetectionPace.Relaxed);
        h.Advance(TimeSpan.FromMilliseconds(500));

        Assert.InRange(Probes(h.Advance(TimeSpan.FromSeconds(2))), 19, 21);
    }

    [Fact]
    public void TheProbeIntervalGauge_ShowsThePaceInForce()
    {
        using var metrics = new MembershipMetrics(null);
        double? interval = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == MembershipMetrics.ProbeIntervalName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, v, _, _) => interval = v);
        listener.Start();
        var h = AnsweringHarness(PaceOptions(), metrics);

        listener.RecordObservableInstruments();
        Assert.Equal(0.1, interval);
        h.Protocol.SetPace(DetectionPace.Relaxed);
        listener.RecordObservableInstruments();
        Assert.Equal(1.0, interval);
        h.Protocol.SetPace(DetectionPace.Fast);
        listener.RecordObservableInstruments();
        Assert.Equal(0.1, interval);
    }
}
