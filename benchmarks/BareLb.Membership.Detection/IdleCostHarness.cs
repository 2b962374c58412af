using System.Globalization;
using BareLb.Lab.Processes;

namespace BareLb.Membership.Detection;

/// <summary>
/// What idle members cost: N <see cref="MemberProcess"/>es in the lab, settled as for the false-alarm check, then
/// each one's CPU time and resident memory (a <see cref="ProcessSample"/> from <c>/proc</c>) over a window with
/// nothing happening but the protocol's own probing (the members run without their stall watch, which wakes every 10 ms).
/// </summary>
internal static class IdleCostHarness
{
    public static async Task<int> RunAsync(int members, TimeSpan window, TextWriter output)
    {
        using var lab = new Lab(members);
        var processes = new LabProcess[members];
        try
        {
            await ProcessFalseAlarmHarness.StartSettledAsync(lab, processes, output, stallWatch: false);
            var before = processes.Select(p => ProcessSample.Of(p.Id)).ToArray();
            await Task.Delay(window);
            var after = processes.Select(p => ProcessSample.Of(p.Id)).ToArray();
            var shares = before.Zip(after, (b, a) => ProcessSample.CpuShare(b, a) * 100).ToArray();
            var rss = after.Select(s => s.ResidentBytes / 1048576.0).ToArray();
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
}
