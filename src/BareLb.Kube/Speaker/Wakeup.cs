using System.Threading.Channels;

namespace BareLb.Kube.Speaker;

/// <summary>A coalescing wake-up: any number of <see cref="Set"/> calls wake one waiter once.</summary>
internal sealed class Wakeup
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the waiter (now or at its next wait).</summary>
    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up, or at most <paramref name="timeout"/> when given; throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <remarks>
    /// The timeout is a timer that wakes the waiter as <see cref="Set"/> does, not a cancellation: a loop that waits
    /// every few hundred milliseconds would otherwise throw and catch an exception each time, which allocates and costs
    /// CPU on an idle speaker. A timer that fires just as another wake-up arrives leaves one spare wake-up, which costs
    /// the waiter one extra pass and nothing else.
    /// </remarks>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }

        using (timeout is { } delay ? time.CreateTimer(static state => ((Wakeup)state!).Set(), this, delay, Timeout.InfiniteTimeSpan) : null)
        {
            await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }

        _channel.Reader.TryRead(out _);
    }
}
