namespace BareLb.Lab.Soak;

/// <summary>A summary of durations: how many, the median, the 99th percentile (nearest rank) and the largest.</summary>
/// <param name="Count">How many.</param>
/// <param name="Median">The median (nearest rank).</param>
/// <param name="P99">The 99th percentile (nearest rank).</param>
/// <param name="Max">The largest.</param>
public sealed record Distribution(int Count, TimeSpan Median, TimeSpan P99, TimeSpan Max)
{
    /// <summary>Summarises <paramref name="values"/>; all zero when there are none.</summary>
    public static Distribution Of(IEnumerable<TimeSpan> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Distribution(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)
            : new Distribution(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    private static TimeSpan Rank(TimeSpan[] sorted, double percentile)
        => sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
