using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BareLb.Kube.Speaker;
using BareLb.Speaker.Kubernetes.Membership;
using BareLb.Speaker.Standalone.Failover;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Kubernetes.Announcing;

/// <summary>
/// The last hosted service to start and the first to stop. On SIGTERM (rolling update, drain) it hands over make
/// before break: freezes what this node answers, leaves the membership so that every other speaker drops this node
/// at once and the successors announce, keeps answering until each IPv4 address's successor has been seen sending
/// its gratuitous ARP (and, for IPv6 addresses, until the successors have written their ServiceL2Status), bounded by
/// <see cref="HandOverTimeout"/>; then stops answering.
/// </summary>
internal sealed partial class PlannedHandOver : IHostedService
{
    /// <summary>The longest a leaving speaker keeps answering while it waits for its successors.</summary>
    public static readonly TimeSpan HandOverTimeout = TimeSpan.FromSeconds(3);

    private readonly SpeakerMembership _membership;
    private readonly Layer2SpeakerController _controller;
    private readonly EngineAnnouncementSink _sink;
    private readonly Layer2Engine _engine;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PlannedHandOver(SpeakerMembership membership, Layer2SpeakerController controller, EngineAnnouncementSink sink, Layer2Engine engine, TimeProvider time, ILogger<PlannedHandOver> logger)
    {
        _membership = membership;
        _controller = controller;
        _sink = sink;
        _engine = engine;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        _sink.Freeze();
        var announced = _sink.Announced;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(HandOverTimeout);
        var statusHandOver = _controller.HandOverAsync(bound.Token);

        var watches = new List<SuccessorWatch>();
        var waits = new List<Task>();
        if (announced.Count > 0 && _membership.Node is not null)
        {
            foreach (var group in announced.Where(static a => a.Key.IsIPv4).GroupBy(static a => a.Value[0], static a => a.Key))
            {
                try
                {
                    var self = _sink.HardwareAddressOf(group.Key) ?? default;
                    var watch = SuccessorWatch.Start(group.Key, self, group);
                    watches.Add(watch);
                    waits.AddRange(group.Select(a => (Task)watch.Announced(a)));
                }
                catch (FrameTransportException e)
                {
                    Log.WatchFailed(_logger, group.Key, e.Message);
                    waits.Add(statusHandOver);
                }
            }

            if (announced.Keys.Any(static a => !a.IsIPv4))
            {
                waits.Add(statusHandOver);
            }
        }

        try
        {
            var leaving = _membership.LeaveAsync(TimeSpan.FromSeconds(1), bound.Token);
            if (waits.Count > 0)
            {
                var all = Task.WhenAll(waits);
                await Task.WhenAny(all, Task.Delay(Timeout.InfiniteTimeSpan, _time, bound.Token)).ConfigureAwait(false);
                var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
                if (all.IsCompletedSuccessfully)
                {
                    Log.HandedOver(_logger, announced.Count, elapsed);
                }
                else
                {
                    Log.HandOverTimedOut(_logger, announced.Count, elapsed);
                }
            }

            await leaving.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.HandOverTimedOut(_logger, announced.Count, _time.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            foreach (var watch in watches)
            {
                watch.Dispose();
            }
        }

        await StopAnsweringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await statusHandOver.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task StopAnsweringAsync(CancellationToken cancellationToken)
    {
        var disposing = Task.Factory.StartNew(_engine.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await disposing.WaitAsync(cancellationToken).ConfigureAwait(false);
            Log.Stopped(_logger);
        }
        catch (OperationCanceledException) when (!disposing.IsCompleted)
        {
            Log.StopTimedOut(_logger);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(5150, LogLevel.Information, "Handed {Count} address(es) over in {Milliseconds:0} ms")]
        public static partial void HandedOver(ILogger logger, int count, double milliseconds);

        [LoggerMessage(5151, LogLevel.Warning, "Hand-over of {Count} address(es) not confirmed after {Milliseconds:0} ms; stopping anyway")]
        public static partial void HandOverTimedOut(ILogger logger, int count, double milliseconds);

        [LoggerMessage(5152, LogLevel.Warning, "Cannot watch {Interface} for the successors' announcements ({Error}); waiting for their ServiceL2Status instead")]
        public static partial void WatchFailed(ILogger logger, string @interface, string error);

        [LoggerMessage(5153, LogLevel.Information, "Stopped answering")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(5154, LogLevel.Warning, "The engine did not stop within the shutdown timeout; exiting without waiting for it")]
        public static partial void StopTimedOut(ILogger logger);
    }
}
