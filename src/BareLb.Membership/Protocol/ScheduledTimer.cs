namespace BareLb.Membership.Protocol;

/// <summary>A timer in a <see cref="TimerQueue"/>; <see cref="TimerQueue.Cancel"/> takes it back.</summary>
internal sealed class ScheduledTimer(DateTimeOffset due, Action action)
{
    /// <summary>When it runs.</summary>
    public DateTimeOffset Due { get; } = due;

    public Action Action { get; } = action;

    /// <summary>Whether it was cancelled or has run.</summary>
    public bool Cancelled { get; set; }
}
