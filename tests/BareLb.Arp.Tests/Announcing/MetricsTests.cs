using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BareLb.Arp.Tests.Support;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Tests.Announcing;

public sealed class MetricsTests
{
    [Fact]
    public void Requests_replies_announcements_and_drops_are_counted_per_interface_address_and_reason()
    {
        var seen = new ConcurrentQueue<(string Name, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Layer2Engine.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            seen.Enqueue((instrument.Name, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        listener.Start();

        var link = new InMemoryLink();
        using var client = link.Connect("client0", Frames.Peer);
        using (var engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20) }))
        {
            engine.AddInterface(link.Connect("eth0", Frames.Ours));
            engine.Announce("eth0", IPAddr.Parse("198.18.0.100"));
            client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.100"));
            client.TrySend(Frames.ArpRequest("198.18.0.1", "198.18.0.200"));
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (DateTime.UtcNow < deadline && !seen.Any(m => m.Name == "barelb.arp.frames_dropped"))
            {
                Thread.Sleep(10);
            }
        }

        Assert.Contains(seen, m => m.Name == "barelb.arp.announcements" && m.Tags["interface"] == "eth0" && m.Tags["address"] == "198.18.0.100" && m.Tags["protocol"] == "arp");
        Assert.Contains(seen, m => m.Name == "barelb.arp.requests" && m.Tags["address"] == "198.18.0.100");
        Assert.Contains(seen, m => m.Name == "barelb.arp.replies" && m.Tags["address"] == "198.18.0.100");
        Assert.Contains(seen, m => m.Name == "barelb.arp.frames_dropped" && m.Tags["interface"] == "eth0" && m.Tags["reason"] == "not_announced");
    }
}
