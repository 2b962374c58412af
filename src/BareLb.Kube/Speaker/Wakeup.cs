using System.Threading.Channels;

namespace BareLb.Kube.Speaker;

/// <summary>A coalescing wake-up: any number of <see cref="Set"/> calls wake one waiter once.</summary>
internal sealed class Wakeup
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Wakes the waiter (now or at its next wait).</summary>
    public void Set() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up, or at most <paramref name="timeout"/> when given; throws only when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }

        if (timeout is not { } delay)
        {
            await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var timer = new CancellationTokenSource(delay, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                await _channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The timeout.
            }
        }

        _channel.Reader.TryRead(out _);
    }
}
