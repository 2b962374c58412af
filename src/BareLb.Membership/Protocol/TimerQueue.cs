namespace BareLb.Membership.Protocol;

/// <summary>
/// The state machine's timers: actions due at a time, run by <see cref="RunDue"/> in due order
/// (ties in the order scheduled). A timer whose reason has passed (a probe's timeout once its ack
/// came) can be cancelled, so that <see cref="NextDue"/> does not wake the host for it; the others
/// check whether they still apply when they run.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<ScheduledTimer, (long Due, long Order)> _heap = new();
    private long _order;

    /// <summary>When the earliest timer not cancelled is due; <see cref="DateTimeOffset.MaxValue"/> when none is.</summary>
    public DateTimeOffset NextDue => _heap.TryPeek(out _, out var key) ? new DateTimeOffset(key.Due, TimeSpan.Zero) : DateTimeOffset.MaxValue;

    /// <summary>Runs <paramref name="action"/> at or after <paramref name="due"/>; the result cancels it.</summary>
    public ScheduledTimer Schedule(DateTimeOffset due, Action action)
    {
        var timer = new ScheduledTimer(due, action);
        _heap.Enqueue(timer, (due.UtcTicks, ++_order));
        return timer;
    }

    /// <summary>Makes <paramref name="timer"/> never run (nothing when it ran or was cancelled already).</summary>
    public void Cancel(ScheduledTimer? timer)
    {
        if (timer is null)
        {
            return;
        }

        timer.Cancelled = true;
        DropCancelled();
    }

    /// <summary>Runs every action due at <paramref name="now"/>, including those that the actions schedule for now or earlier.</summary>
    public void RunDue(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        while (_heap.TryPeek(out var timer, out var key) && key.Due <= ticks)
        {
            _heap.Dequeue();
            if (!timer.Cancelled)
            {
                timer.Cancelled = true;
                timer.Action();
            }
        }

        DropCancelled();
    }

    /// <summary>Removes cancelled timers from the front, so that the earliest one left is live.</summary>
    private void DropCancelled()
    {
        while (_heap.TryPeek(out var timer, out _) && timer.Cancelled)
        {
            _heap.Dequeue();
        }
    }
}
