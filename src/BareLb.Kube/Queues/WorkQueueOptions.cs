namespace BareLb.Kube.Queues;

/// <summary>How a <see cref="WorkQueue{TKey}"/> backs off keys that failed.</summary>
internal sealed class WorkQueueOptions
{
    /// <summary>The delay after the first failure; it doubles with each further failure. Default 5 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest delay. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the options; returns why they are invalid, or null.</summary>
    public string? Validate() =>
        BaseDelay <= TimeSpan.Zero ? $"BaseDelay must be positive, not {BaseDelay}"
        : MaxDelay < BaseDelay ? $"MaxDelay ({MaxDelay}) must not be shorter than BaseDelay ({BaseDelay})"
        : null;
}
