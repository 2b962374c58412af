using System.Diagnostics;

namespace BareLb.Membership.Hosting;

/// <summary>
/// A one-shot timer that calls back when a delay set with <see cref="Change"/> has passed. On the
/// system clock it is a thread of its own waiting on a monitor: a firing costs that one thread
/// wake-up. A <see cref="TimeProvider"/> timer would cost the runtime's timer thread a wake-up,
/// then a thread-pool worker's, which spins before it sleeps again. Since the receive thread runs the
/// protocol's timers between datagrams, a member on the system clock uses this one only for due times
/// that another thread makes earlier. On any other clock (fake time in tests) the provider's timer is
/// used for every timer, so the clock stays in charge.
/// </summary>
internal abstract class WakeTimer : IAsyncDisposable
{
    /// <summary>A timer for <paramref name="time"/> that runs <paramref name="callback"/>; <paramref name="name"/> names its thread.</summary>
    public static WakeTimer Create(TimeProvider time, string name, Action callback) =>
        ReferenceEquals(time, TimeProvider.System) ? new ThreadWakeTimer(name, callback) : new ProviderWakeTimer(time, callback);

    /// <summary>Fires once after <paramref name="delay"/> (zero: at once), never before it, replacing any earlier setting.</summary>
    public abstract void Change(TimeSpan delay);

    /// <inheritdoc/>
    public abstract ValueTask DisposeAsync();

    private sealed class ThreadWakeTimer : WakeTimer
    {
        private readonly object _gate = new();
        private readonly Action _callback;
        private readonly Thread _thread;
        private long _deadline = long.MaxValue;
        private bool _disposed;

        public ThreadWakeTimer(string name, Action callback)
        {
            _callback = callback;
            _thread = new Thread(Run) { IsBackground = true, Name = name };
            _thread.Start();
        }

        public override void Change(TimeSpan delay)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
            lock (_gate)
            {
                _deadline = deadline;

                // The timer's own thread re-reads the deadline before it waits again.
                if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
                {
                    Monitor.Pulse(_gate);
                }
            }
        }

        public override ValueTask DisposeAsync()
        {
            lock (_gate)
            {
                _disposed = true;
                Monitor.Pulse(_gate);
            }

            if (Environment.CurrentManagedThreadId != _thread.ManagedThreadId)
            {
                _thread.Join();
            }

            return ValueTask.CompletedTask;
        }

        private void Run()
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    if (_deadline == long.MaxValue)
                    {
                        Monitor.Wait(_gate);
                        continue;
                    }

                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline);
                    if (remaining > TimeSpan.Zero)
                    {
                        // Whole milliseconds, rounded up: a wait cut short would only wake to wait again.
                        Monitor.Wait(_gate, (int)Math.Ceiling(remaining.TotalMilliseconds));
                        continue;
                    }

                    _deadline = long.MaxValue;
                }

                _callback();
            }
        }
    }

    private sealed class ProviderWakeTimer(TimeProvider time, Action callback) : WakeTimer
    {
        private readonly ITimer _timer = time.CreateTimer(static state => ((Action)state!)(), callback, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        public override void Change(TimeSpan delay)
        {
            // Timers count whole milliseconds and would truncate a fraction to an immediate firing that
            // finds nothing due yet, again and again until it is: round up instead.
            var whole = TimeSpan.FromMilliseconds(Math.Ceiling(delay.TotalMilliseconds));
            try
            {
                _timer.Change(whole, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed while a last call was on its way.
            }
        }

        public override ValueTask DisposeAsync() => _timer.DisposeAsync();
    }
}
