using System.Diagnostics.Metrics;
using BareLb.Arp.Tests.Support;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Tests.Announcing;

public sealed class MetricsTests
{
    [Fact]
    public void RequestsRepliesAnnouncementsAndDropsAreCountedPerInterfaceAddressAndReason()
    {
        var link = new InMemoryLink();
        using var client = link.Connect("client0", Frames.Peer);
        // A meter factory of its own, so that engines of other tests running at once do not count here.
        using var meters = new MeterFactory();
        using var engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20) }, meterFactory: meters);
        using var collector = new Collector(meters);
        engine.AddInterface(link.Connect("eth0", Frames.Ours));
        engine.Announce("eth0", IPAddr.Parse("198.18.0.100"));
        client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.100"));
        client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.200"));
        client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.100"));

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline && collector.Value("barelb_layer2_frames_dropped_total", ("reason", "not_announced")) < 1)
        {
            Thread.Sleep(10);
        }

        while (DateTime.UtcNow < deadline && collector.Value("metallb_layer2_responses_sent", ("ip", "198.18.0.100")) < 2)
        {
            Thread.Sleep(10);
        }

        Assert.Equal(1, collector.Value("barelb_layer2_frames_dropped_total", ("interface", "eth0"), ("reason", "not_announced")));
        Assert.Equal(2, collector.Value("metallb_layer2_requests_received", ("interface", "eth0"), ("protocol", "arp"), ("ip", "198.18.0.100")));
        Assert.Equal(2, collector.Value("metallb_layer2_responses_sent", ("interface", "eth0"), ("protocol", "arp"), ("ip", "198.18.0.100")));
        Assert.True(collector.Value("metallb_layer2_gratuitous_sent", ("interface", "eth0"), ("protocol", "arp"), ("ip", "198.18.0.100")) >= 1);

        // A withdrawn address's series disappear; its totals survive a return: counters never go back.
        engine.Withdraw("eth0", IPAddr.Parse("198.18.0.100"));
        Assert.False(collector.Has("metallb_layer2_responses_sent", ("ip", "198.18.0.100")));
        Assert.False(collector.Has("metallb_layer2_gratuitous_sent", ("ip", "198.18.0.100")));
        engine.Announce("eth0", IPAddr.Parse("198.18.0.100"));
        Assert.Equal(2, collector.Value("metallb_layer2_responses_sent", ("ip", "198.18.0.100")));
    }

    /// <summary>Collects the observable counters of a meter on demand, as an exporter does.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Name, long Value, KeyValuePair<string, object?>[] Tags)> _seen = [];

        public Collector(IMeterFactory scope)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Layer2Engine.MeterName && instrument.Meter.Scope == scope)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _seen.Add((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        /// <summary>The sum of the series of <paramref name="name"/> that carry all the given tags.</summary>
        public long Value(string name, params (string Key, string Value)[] tags)
        {
            _seen.Clear();
            _listener.RecordObservableInstruments();
            return _seen
                .Where(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && (string?)x.Value == t.Value)))
                .Sum(m => m.Value);
        }

        /// <summary>Whether any series of <paramref name="name"/> carries all the given tags.</summary>
        public bool Has(string name, params (string Key, string Value)[] tags)
        {
            _seen.Clear();
            _listener.RecordObservableInstruments();
            return _seen.Any(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && (string?)x.Value == t.Value)));
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed class MeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
