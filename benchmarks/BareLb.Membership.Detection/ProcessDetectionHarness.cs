using System.Globalization;
using BareLb.Lab.Processes;

namespace BareLb.Membership.Detection;

/// <summary>
/// Detection with every member a process of its own (<c>detect --processes yes</c>), for member counts that one
/// process cannot hold on this machine: N <see cref="MemberProcess"/>es settled as for the false-alarm check, then
/// members killed with SIGKILL one after another (a process that dies: the kernel closes its sockets), each time the
/// time from the kill until every surviving member has printed it dead. Killed members are not restarted, so there
/// are at most N - 3 runs; the first three members, everyone's join addresses, are never killed.
/// </summary>
internal static class ProcessDetectionHarness
{
    /// <summary>How long the survivors may take to report a death before the run counts as missed.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The pause after each run, so that the next failure starts from a quiet cluster.</summary>
    private static readonly TimeSpan BetweenRuns = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(int members, int runs, TextWriter output)
    {
        runs = Math.Clamp(runs, 0, members - 3);
        using var lab = new Lab(members);
        var processes = new LabProcess[members];
        try
        {
            await ProcessFalseAlarmHarness.StartSettledAsync(lab, processes, output, stallWatch: false);
            output.WriteLine($"# {lab.Describe()}, one process each; {runs} members killed one after another");
            var marks = processes.Select(p => p.Lines.Count).ToArray();
            var survivors = Enumerable.Range(0, members).ToList();
            var victims = new HashSet<string>(StringComparer.Ordinal);
            var times = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                var victim = members - 1 - run;
                var name = ProcessFalseAlarmHarness.Name(victim);
                survivors.Remove(victim);
                victims.Add(name);
                var dead = MemberProcess.EventPrefix + "Dead " + name;
                var failure = DateTimeOffset.UtcNow;
                processes[victim].Kill();
                try
                {
                    var seen = await Task.WhenAll(survivors.Select(i => processes[i].WaitForLineAsync(l => l.Time >= failure && l.Text == dead, Patience)));
                    times.Add((seen.Max(l => l.Time) - failure).TotalMilliseconds);
                }
                catch (BareLb.Lab.LabException e)
                {
                    output.WriteLine($"  run {run + 1}: {name} not reported dead by every survivor within {Patience.TotalSeconds:0} s: {e.Message.Split('\n')[0]}");
                }

                await Task.Delay(BetweenRuns);
            }

            var falseDeaths = processes.SelectMany((p, i) => p.Lines.Skip(marks[i]))
                .Count(l => l.Text.StartsWith(MemberProcess.EventPrefix + "Dead ", StringComparison.Ordinal)
                    && !victims.Contains(l.Text[(MemberProcess.EventPrefix.Length + "Dead ".Length)..]));
            output.WriteLine(DetectionHarness.Header);
            output.WriteLine(DetectionHarness.Row(members, Failure.Kill, times, runs, string.Create(CultureInfo.InvariantCulture, $"{members} (processes)")));
            output.WriteLine($"# false deaths (a member other than a victim declared dead) during these runs: {falseDeaths}");
            return times.Count == runs && falseDeaths == 0 ? 0 : 1;
        }
        finally
        {
            ProcessFalseAlarmHarness.DisposeAll(processes);
        }
    }
}
