namespace BareLb.Benchmarks.Failover;

/// <summary>Median, 99th percentile (nearest rank: the maximum under 100 runs) and maximum.</summary>
internal static class Statistics
{
    public static TimeSpan Percentile(IReadOnlyList<TimeSpan> values, double percentile)
    {
        if (values.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var sorted = values.Order().ToList();
        if (percentile == 50)
        {
            var middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
