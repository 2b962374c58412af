namespace BareLb.Membership.Protocol;

/// <summary>
/// The state machine's timers: actions due at a time, run by <see cref="RunDue"/> in due order
/// (ties in the order scheduled). There is no cancellation: an action checks whether it still
/// applies when it runs, which keeps the queue a plain heap.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<Action, (long Due, long Order)> _heap = new();
    private long _order;

    /// <summary>When the earliest action is due; <see cref="DateTimeOffset.MaxValue"/> when none is.</summary>
    public DateTimeOffset NextDue => _heap.TryPeek(out _, out var key) ? new DateTimeOffset(key.Due, TimeSpan.Zero) : DateTimeOffset.MaxValue;

    /// <summary>Timers pending (stale ones included).</summary>
    public int Count => _heap.Count;

    /// <summary>Runs <paramref name="action"/> at or after <paramref name="due"/>.</summary>
    public void Schedule(DateTimeOffset due, Action action) => _heap.Enqueue(action, (due.UtcTicks, ++_order));

    /// <summary>Runs every action due at <paramref name="now"/>, including those that the actions schedule for now or earlier.</summary>
    public void RunDue(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        while (_heap.TryPeek(out _, out var key) && key.Due <= ticks)
        {
            _heap.Dequeue()();
        }
    }
}
