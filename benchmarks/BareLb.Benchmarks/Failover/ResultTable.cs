using System.Globalization;
using System.Text;

namespace BareLb.Benchmarks.Failover;

/// <summary>Prints the rows as a Markdown table, anchors beside BareLb, and the worst timelines.</summary>
internal static class ResultTable
{
    public static void Print(IReadOnlyList<ResultRow> rows, FailoverOptions options, TimeSpan took)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Failover: 3 appliances and a client on one bridge (network namespaces), a ping every 10 ms from the client; up to {options.Runs} runs per row; {took.TotalMinutes:0.0} min.");
        text.AppendLine("Outage: the client's longest gap between replies. p99 by nearest rank (the maximum when there are fewer than 100 runs).");
        text.AppendLine();
        text.AppendLine("| System | Failure | Measure | Runs | Median | p99 | Max | Probes lost (median / max) | Notes |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            if (row.SkippedBecause is { } reason)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row.System} | - | - | 0 | - | - | - | - | skipped: {reason} |");
                continue;
            }

            var values = row.Samples.Select(s => s.Measured).ToList();
            var lost = row.Samples.Select(s => TimeSpan.FromTicks(s.Lost)).ToList();
            var notes = new List<string>();
            if (row.Samples.Count(s => !s.Recovered) is > 0 and var failed)
            {
                notes.Add($"{failed} runs not recovered in 30 s (counted at the time given up)");
            }

            if (row.Kind == FailureKind.ProcessKill && row.Measure.StartsWith("takeover", StringComparison.Ordinal))
            {
                var dual = row.Samples.Count(s => s.Answerers > 1);
                notes.Add(dual == 0 ? "one answerer after every takeover" : $"{dual} of {row.Samples.Count} runs: two MACs answered after the takeover");
            }

            if (row.Notes.Count > 0)
            {
                notes.Add($"{row.Notes.Count}x: {row.Notes[0]}");
            }

            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.System} | {row.Kind.Describe()} | {row.Measure} | {row.Samples.Count} | {Ms(Statistics.Percentile(values, 50))} | {Ms(Statistics.Percentile(values, 99))} | {Ms(values.DefaultIfEmpty().Max())} | {(row.Kind == FailureKind.ProcessKill && row.System.StartsWith("memberlist", StringComparison.Ordinal) ? "-" : $"{Statistics.Percentile(lost, 50).Ticks} / {lost.DefaultIfEmpty().Max().Ticks}")} | {string.Join("; ", notes)} |");
        }

        var worst = rows.Where(r => r.Samples.Count > 0 && r.Measure == "client outage")
            .Select(r => (Row: r, Sample: r.Samples.MaxBy(s => s.Measured)!))
            .Where(w => w.Sample.Timeline.Length > 0);
        text.AppendLine();
        text.AppendLine("Worst run of each row, 10 ms per character from 100 ms before the gap ('|' a reply, '.' none):");
        foreach (var (row, sample) in worst)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {row.System,-34} {row.Kind.Describe(),-26} {Ms(sample.Measured),8}  {Trim(sample.Timeline, 100)}");
        }

        Console.Write(text.ToString());
    }

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Trim(string timeline, int width) => timeline.Length <= width ? timeline : timeline[..(width / 2)] + "…" + timeline[^(width / 2)..];
}
