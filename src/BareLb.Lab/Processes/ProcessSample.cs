using System.Globalization;

namespace BareLb.Benchmarks.Footprint;

/// <summary>A process's resident memory and CPU time, read from /proc.</summary>
internal readonly record struct ProcessSample(long ResidentBytes, TimeSpan CpuTime, DateTime At)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static ProcessSample Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        var rss = status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new ProcessSample(long.Parse(rss, CultureInfo.InvariantCulture) * 1024, TimeSpan.FromSeconds(ticks / TicksPerSecond), DateTime.UtcNow);
    }

    /// <summary>CPU used between two samples, as a share of one core.</summary>
    public static double CpuShare(ProcessSample from, ProcessSample to) =>
        (to.CpuTime - from.CpuTime).TotalSeconds / (to.At - from.At).TotalSeconds;
}
