using System.Diagnostics.Metrics;
using System.Net;
using BareLb.Membership.Codec;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;
using BareLb.Membership.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Membership.Tests.Transport;

public sealed class WireEndpointTests
{
    private static readonly IPEndPoint PeerA = new(IPAddress.Parse("198.18.0.1"), 7946);
    private static readonly IPEndPoint PeerB = new(IPAddress.Parse("198.18.0.2"), 7946);

    [Fact]
    public void WrongKeyIsLoggedOncePerPeerThenAgainAfterTheIntervalAndAlwaysCounted()
    {
        var time = new FakeTimeProvider();
        var logger = new ListLogger();
        using var endpoint = new WireEndpoint(WireSettings.Default with { Keyring = new Keyring([new byte[16]]) }, time, logger);
        var theirs = new PacketCodec(WireSettings.Default with { Keyring = new Keyring([new byte[32]]) }).Encode(Packets.Ping(), checksum: true);

        for (var i = 0; i < 5; i++)
        {
            Assert.Empty(endpoint.Receive(theirs, PeerA));
            Assert.Empty(endpoint.Receive(theirs, PeerB));
        }

        Assert.Equal(2, Warnings(logger));
        time.Advance(WireEndpoint.KeyMismatchLogInterval);
        endpoint.Receive(theirs, PeerA);
        Assert.Equal(3, Warnings(logger));
        Assert.Equal(11, endpoint.Metrics.PacketsDropped(DropReason.Undecryptable));
    }

    [Fact]
    public void DropsArePublishedByReasonAndChannel()
    {
        using var endpoint = new WireEndpoint(WireSettings.Default);
        endpoint.Receive(new byte[] { 12, 0, 0, 0, 0, 0 }, PeerA);
        endpoint.Receive(new byte[] { 200 }, PeerA);
        endpoint.StreamDropped(DropReason.Oversized, PeerA);

        var seen = new List<(long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == endpoint.Metrics.Meter && instrument.Meter.Name == WireMetrics.MeterName && instrument.Name == WireMetrics.DroppedName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (value > 0)
            {
                seen.Add((value, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal(
            [(1L, "channel=udp,reason=bad_checksum"), (1L, "channel=udp,reason=unknown_type"), (1L, "channel=tcp,reason=oversized")],
            seen.OrderBy(s => s.Tags.Contains("tcp", StringComparison.Ordinal)).ThenBy(s => s.Tags, StringComparer.Ordinal));
    }

    private static int Warnings(ListLogger logger) => logger.Lines.Count(l => l.Level == LogLevel.Warning);
}
