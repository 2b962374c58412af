using System.Diagnostics;
using BareLb.Arp.Codecs;
using BareLb.Arp.Tests.Support;
using BareLb.Arp.Transports;

namespace BareLb.Arp.Tests.Announcing;

public sealed class EngineStopTests
{
    [Fact]
    public async Task DisposingDoesNotWaitForeverForAReceiveThreadStuckInItsTransport()
    {
        using var stuck = new StuckTransport();
        var options = new Layer2Options { ReceivePollInterval = TimeSpan.FromMilliseconds(20) };
        var engine = new Layer2Engine(options);
        engine.AddInterface(stuck);
        Assert.True(stuck.Entered.Wait(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));

        var watch = Stopwatch.StartNew();
        var disposing = Task.Run(engine.Dispose, TestContext.Current.CancellationToken);

        // Only that it ends (a guard against hanging, not a speed claim: WaitAsync throws after a minute), after waiting
        // for the thread at least once.
        await disposing.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.True(watch.Elapsed >= options.ReceivePollInterval, $"Dispose took only {watch.Elapsed}: did it wait at all?");
        Assert.True(stuck.Disposed);
    }

    /// <summary>A transport whose Receive ignores its timeout and blocks until the test ends.</summary>
    private sealed class StuckTransport : IFrameTransport
    {
        private readonly ManualResetEventSlim _release = new();

        public ManualResetEventSlim Entered { get; } = new();

        public bool Disposed { get; private set; }

        public string InterfaceName => "stuck0";

        public MacAddress HardwareAddress => Frames.Ours;

        public int Receive(Span<byte> buffer, TimeSpan timeout)
        {
            Entered.Set();
            _release.Wait();
            return 0;
        }

        public bool TrySend(ReadOnlySpan<byte> frame) => true;

        public void JoinMulticast(MacAddress group)
        {
        }

        public void LeaveMulticast(MacAddress group)
        {
        }

        public void Dispose()
        {
            if (!Disposed)
            {
                Disposed = true;
                _release.Set();
            }
        }
    }
}
