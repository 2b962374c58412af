using System.Globalization;

namespace BareLb.Lab.Processes;

/// <summary>A process's resident memory and CPU time, read from /proc, with the time of reading.</summary>
/// <param name="ResidentBytes">Resident memory (<c>VmRSS</c>).</param>
/// <param name="CpuTime">User plus system CPU time so far.</param>
/// <param name="At">When it was read.</param>
public readonly record struct ProcessSample(long ResidentBytes, TimeSpan CpuTime, DateTime At)
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Reads process <paramref name="pid"/>'s sample now.</summary>
    /// <exception cref="IOException">The process is gone.</exception>
    public static ProcessSample Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        var rss = status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];

        // The fields after the command name (which may hold spaces): utime is the 14th of the line, stime the 15th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new ProcessSample(long.Parse(rss, CultureInfo.InvariantCulture) * 1024, TimeSpan.FromSeconds(ticks / TicksPerSecond), DateTime.UtcNow);
    }

    /// <summary>CPU used between two samples, as a share of one core.</summary>
    public static double CpuShare(ProcessSample from, ProcessSample to) =>
        (to.CpuTime - from.CpuTime).TotalSeconds / (to.At - from.At).TotalSeconds;
}
