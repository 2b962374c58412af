using System.Globalization;
using BareLb.Lab.Processes;

namespace BareLb.Membership.Detection;

/// <summary>
/// What idle members cost: N <see cref="MemberProcess"/>es in the lab, settled as for the false-alarm check, then
/// each one's CPU time (<c>utime + stime</c> from <c>/proc/PID/stat</c>) and resident memory over a window with
/// nothing happening but the protocol's own probing.
/// </summary>
internal static class IdleCostHarness
{
    public static async Task<int> RunAsync(int members, TimeSpan window, TextWriter output)
    {
        using var lab = new Lab(members);
        var processes = new LabProcess[members];
        try
        {
            await ProcessFalseAlarmHarness.StartSettledAsync(lab, processes, output);
            var before = processes.Select(p => CpuTicks(p.Id)).ToArray();
            await Task.Delay(window);
            var after = processes.Select(p => CpuTicks(p.Id)).ToArray();
            var ticksPerSecond = ClockTicksPerSecond();
            var shares = before.Zip(after, (b, a) => (a - b) / ticksPerSecond / window.TotalSeconds * 100).ToArray();
            var rss = processes.Select(p => ResidentMegabytes(p.Id)).ToArray();
            output.WriteLine("| members | window | CPU per process, mean (min to max) | all processes | resident memory per process, mean |");
            output.WriteLine("|---|---|---|---|---|");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {members} | {window.TotalSeconds:0} s | {shares.Average():0.00} % of a core ({shares.Min():0.00} to {shares.Max():0.00}) | {shares.Sum():0.0} % | {rss.Average():0.0} MB |"));
            return 0;
        }
        finally
        {
            foreach (var process in processes)
            {
                process?.Dispose();
            }
        }
    }

    private static double CpuTicks(int pid)
    {
        // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is
        // the 14th field of the line, stime the 15th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static double ResidentMegabytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    // USER_HZ: 100 on every Linux architecture .NET runs on (sysconf(_SC_CLK_TCK)).
    private static double ClockTicksPerSecond() => 100;
}
