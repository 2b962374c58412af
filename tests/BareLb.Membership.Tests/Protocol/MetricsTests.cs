using System.Diagnostics.Metrics;
using BareLb.Membership.Messages;
using BareLb.Membership.Metrics;
using BareLb.Membership.Protocol;
using static BareLb.Membership.Tests.Protocol.ProtocolHarness;

namespace BareLb.Membership.Tests.Protocol;

public sealed class MetricsTests
{
    [Fact]
    public void ProbesFailuresSuspicionsRefutationsMessagesRttAndMembersAreMeasured()
    {
        using var metrics = new MembershipMetrics(null);
        var totals = new Dictionary<string, double>();
        var tagged = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (totals)
            {
                totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
                foreach (var tag in tags)
                {
                    var key = $"{instrument.Name}{{{tag.Key}={tag.Value}}}";
                    tagged[key] = instrument is ObservableGauge<int> ? value : tagged.GetValueOrDefault(key) + value;
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        var h = new ProtocolHarness(metrics: metrics);
        h.AddMembers(2);
        var (_, ping) = h.NextProbe();
        h.Time.Advance(TimeSpan.FromMilliseconds(3));
        h.Handle(1, new AckResponse(ping.SeqNo, []));
        h.AdvanceUntil<MemberChanged>(c => c.Event.Kind == MemberEventKind.Suspect);
        h.Handle(1, new Suspect(1, "self", NameOf(1)));
        listener.RecordObservableInstruments();

        Assert.True(totals[MembershipMetrics.ProbesName] >= 2);
        Assert.Equal(1, totals[MembershipMetrics.ProbeFailuresName]);
        Assert.Equal(1, totals[MembershipMetrics.SuspicionsName]);
        Assert.Equal(1, totals[MembershipMetrics.RefutationsName]);
        Assert.True(totals[MembershipMetrics.ProbeRttName] > 0);
        Assert.True(tagged[$"{MembershipMetrics.MessagesName}{{type=ping}}"] >= 2);
        Assert.True(tagged[$"{MembershipMetrics.MessagesName}{{direction=received}}"] >= 4);
        Assert.Equal(1, tagged[$"{MembershipMetrics.MembersName}{{state=suspect}}"]);
        Assert.Equal(2, tagged[$"{MembershipMetrics.MembersName}{{state=alive}}"]);
        Assert.True(tagged.ContainsKey($"{MembershipMetrics.HealthScoreName}") || totals.ContainsKey(MembershipMetrics.HealthScoreName));
    }

    [Fact]
    public void RefusedMessagesAreCountedByReason()
    {
        using var metrics = new MembershipMetrics(null);
        var reasons = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == MembershipMetrics.RejectedName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reasons.Add((string)tag.Value!);
                }
            }
        });
        listener.Start();

        var h = new ProtocolHarness(metrics: metrics);
        h.Handle(1, new Ping(1, "not-me"));
        h.Handle(1, new Suspect(1, "", "x"));
        h.Handle(1, new Alive(1, "m1", [1, 2, 3], 7946, [], Vsn));
        h.Handle(1, new ErrorResponse("boom"));
        Assert.Equal(["wrong_node", "missing_name", "bad_address", "unexpected_type"], reasons);
    }
}
