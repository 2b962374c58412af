using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using BareLb.Arp.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace BareLb.Arp.Tests.Announcing;

/// <summary>
/// An unexpected exception in the engine's receive thread or announcement timers never kills the process: a frame that
/// fails is counted and the thread goes on; a transport that fails in an unknown way faults its interface visibly
/// (<see cref="Layer2Engine.Faults"/>); an announcement that fails is logged and the schedule goes on.
/// </summary>
public sealed class LoopFaultTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReplyThatThrows_IsCountedAsFailed_AndTheReceiveThreadAnswersTheNextFrame()
    {
        var transport = new ScriptedTransport("fault-reply0");
        using var engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20), AnnouncementCount = 1, RefreshInterval = TimeSpan.Zero });
        engine.AddInterface(transport, [Frames.V4("198.18.0.10")]);
        await WaitAsync(() => transport.Sent.Count == 1, "the announcement");

        transport.FailNextSends(1);
        transport.Incoming.Add(Frames.ArpRequest("198.18.0.1", "198.18.0.10"), Ct);
        transport.Incoming.Add(Frames.ArpRequest("198.18.0.1", "198.18.0.10"), Ct);

        await WaitAsync(() => transport.Sent.Count == 2, "the second request is answered");
        Assert.Equal(1, DroppedAsFailed("fault-reply0"));
        Assert.Empty(engine.Faults);
    }

    [Fact]
    public async Task ATransportThatFailsInAnUnknownWay_FaultsItsInterfaceVisibly_AndTheProcessLives()
    {
        var transport = new ScriptedTransport("test0") { ReceiveFailure = new NotSupportedException("driver bug") };
        using var engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20) });
        engine.AddInterface(transport);

        await WaitAsync(() => engine.Faults.Count == 1, "the interface is faulted");
        var fault = Assert.Single(engine.Faults);
        Assert.Contains("test0", fault, StringComparison.Ordinal);
        Assert.Contains("NotSupportedException: driver bug", fault, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALinkThatGoesDown_IsLoggedOnceAsAWarning_AndOnceUpAgain_NotAsAnErrorPerPoll()
    {
        var transport = new ScriptedTransport("down0") { NetworkDownReceives = 25 };
        using var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        using var engine = new Layer2Engine(new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(5) }, loggerFactory: factory);
        engine.AddInterface(transport);

        await WaitAsync(() => logs.Collector.GetSnapshot().Any(static r => r.Id.Id == 1012), "the interface is logged up again");
        var records = logs.Collector.GetSnapshot();
        var down = Assert.Single(records, static r => r.Id.Id == 1011);
        Assert.Equal((LogLevel.Warning, "down0 is down; it answers again as soon as it is back up"), (down.Level, down.Message));
        Assert.Single(records, static r => r.Id.Id == 1012);
        Assert.DoesNotContain(records, static r => r.Level >= LogLevel.Error);
        Assert.Empty(engine.Faults);
    }

    [Fact]
    public async Task AnAnnouncementThatThrows_IsLogged_AndTheNextOneIsSent()
    {
        var transport = new ScriptedTransport("fault-announce0");
        transport.FailNextSends(1);
        using var engine = new Layer2Engine(new Layer2Options { AnnouncementCount = 3, AnnouncementInterval = TimeSpan.FromMilliseconds(20) });
        engine.AddInterface(transport, [Frames.V4("198.18.0.10")]);

        await WaitAsync(() => transport.Sent.Count == 2, "the two announcements after the failed one");
        Assert.Empty(engine.Faults);
    }

    // The engine's barelb_layer2_frames_dropped_total for one interface and the reason "failed", read as a scrape would.
    private static long DroppedAsFailed(string interfaceName)
    {
        long total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Layer2Engine.MeterName && instrument.Name == "barelb_layer2_frames_dropped_total")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var ours = false;
            var failed = false;
            foreach (var tag in tags)
            {
                ours |= tag.Key == "interface" && (string?)tag.Value == interfaceName;
                failed |= tag.Key == "reason" && (string?)tag.Value == Metrics.Layer2Metrics.ReasonTag(DropReason.Failed);
            }

            if (ours && failed)
            {
                total += value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return total;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 10 s: {what}");
            await Task.Delay(10, Ct);
        }
    }

    /// <summary>Hands the engine queued frames; its next sends may throw (<see cref="FailNextSends"/>); its receive may throw.</summary>
    private sealed class ScriptedTransport(string name) : IFrameTransport
    {
        private int _sendFailures;

        public BlockingCollection<byte[]> Incoming { get; } = [];

        public ConcurrentQueue<byte[]> Sent { get; } = new();

        public void FailNextSends(int count) => Volatile.Write(ref _sendFailures, count);

        public Exception? ReceiveFailure { get; init; }

        /// <summary>How many receives fail first as a socket on a link that is down does (ENETDOWN).</summary>
        public int NetworkDownReceives { get; set; }

        public string InterfaceName => name;

        public MacAddress HardwareAddress => Frames.Ours;

        public int Receive(Span<byte> buffer, TimeSpan timeout)
        {
            if (ReceiveFailure is not null)
            {
                throw ReceiveFailure;
            }

            if (NetworkDownReceives > 0)
            {
                NetworkDownReceives--;
                throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NetworkDown);
            }

            if (!Incoming.TryTake(out var frame, timeout))
            {
                return 0;
            }

            frame.CopyTo(buffer);
            return frame.Length;
        }

        public bool TrySend(ReadOnlySpan<byte> frame)
        {
            if (Interlocked.Decrement(ref _sendFailures) >= 0)
            {
                throw new InvalidOperationException("send path bug");
            }

            Sent.Enqueue(frame.ToArray());
            return true;
        }

        public void JoinMulticast(MacAddress group)
        {
        }

        public void LeaveMulticast(MacAddress group)
        {
        }

        public void Dispose() => Incoming.Dispose();
    }
}
