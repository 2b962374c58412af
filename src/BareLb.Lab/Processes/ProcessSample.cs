using System.Globalization;

namespace BareLb.Lab.Processes;

/// <summary>A process's resident memory and CPU time, read from /proc, with the time of reading.</summary>
/// <param name="ResidentBytes">Resident memory (<c>VmRSS</c>).</param>
/// <param name="CpuTime">User plus system CPU time so far.</param>
/// <param name="At">When it was read.</param>
public readonly record struct ProcessSample(long ResidentBytes, TimeSpan CpuTime, DateTime At)
{
    /// <summary>The anonymous part of the resident memory (<c>RssAnon</c>: heaps, stacks), not backed by a file.</summary>
    public long AnonymousBytes { get; init; }

    /// <summary>The file-backed part of the resident memory (<c>RssFile</c>: the pages of the program and its libraries).</summary>
    public long FileBytes { get; init; }

    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Reads process <paramref name="pid"/>'s sample now.</summary>
    /// <exception cref="IOException">The process is gone.</exception>
    public static ProcessSample Of(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Kilobytes(string field) => long.Parse(
            status.FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] ?? "0",
            CultureInfo.InvariantCulture) * 1024;

        // The fields after the command name (which may hold spaces): utime is the 14th of the line, stime the 15th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new ProcessSample(Kilobytes("VmRSS:"), TimeSpan.FromSeconds(ticks / TicksPerSecond), DateTime.UtcNow)
        {
            AnonymousBytes = Kilobytes("RssAnon:"),
            FileBytes = Kilobytes("RssFile:"),
        };
    }

    /// <summary>CPU used between two samples, as a share of one core.</summary>
    public static double CpuShare(ProcessSample from, ProcessSample to) =>
        (to.CpuTime - from.CpuTime).TotalSeconds / (to.At - from.At).TotalSeconds;
}
