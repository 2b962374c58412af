using System.Diagnostics;
using System.Globalization;
using BareLb.Lab.Processes;

namespace BareLb.Membership.Detection;

/// <summary>
/// The false-alarm check with every member a process of its own, as in production (each speaker is one process on
/// its node): N <see cref="MemberProcess"/>es in the lab's namespaces, both CPUs saturated by <c>stress-ng</c>, loss
/// on every link; any member declared dead by another is a false alarm. Members in one process (the in-process
/// harness) starve each other in ways separate processes on separate machines do not.
/// </summary>
internal static class ProcessFalseAlarmHarness
{
    public static async Task<int> RunAsync(int members, TimeSpan duration, double lossPercent, int stressCpus, TextWriter output)
    {
        using var lab = new Lab(members);
        var processes = new LabProcess[members];
        try
        {
            await StartSettledAsync(lab, processes, output);
            if (lossPercent > 0)
            {
                lab.AddLoss(lossPercent);
            }

            output.WriteLine($"# {members} member processes, {duration.TotalMinutes:0.#} min, {lossPercent:0.##} % loss per link, stress-ng --cpu {stressCpus}");
            var marks = processes.Select(p => p.Lines.Count).ToArray();
            var (falseDeaths, suspected) = await FalseAlarmWatch.RunAsync(
                duration, stressCpus, () => Count(processes, marks), () => $", {processes.Count(p => p.HasExited)} members exited", output);

            output.WriteLine($"| {members} (processes) | {duration.TotalMinutes:0.#} min | {lossPercent:0.##} % | {stressCpus} | {suspected} | {falseDeaths} |");
            var deaths = Events(processes, marks).Where(e => e.Line.Text.StartsWith(MemberProcess.EventPrefix + "Dead", StringComparison.Ordinal)).ToList();
            foreach (var (observer, line) in deaths.Take(20))
            {
                output.WriteLine($"  false death: {Name(observer)} at {line.Time:HH:mm:ss.fff}: {line.Text}");
            }

            // Whether each member declared dead had itself stalled just before: the stall line comes when it runs again.
            foreach (var victim in deaths.Select(d => d.Line.Text[(MemberProcess.EventPrefix.Length + "Dead ".Length)..]).Distinct(StringComparer.Ordinal))
            {
                var index = int.TryParse(victim.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < processes.Length ? i : -1;
                var at = deaths.Where(d => d.Line.Text.EndsWith(" " + victim, StringComparison.Ordinal)).Min(d => d.Line.Time);
                var stalls = index < 0 ? [] : processes[index].Lines.Skip(marks[index])
                    .Where(l => l.Text.StartsWith(MemberProcess.StallPrefix, StringComparison.Ordinal) && (l.Time - at).Duration() < TimeSpan.FromSeconds(5))
                    .Select(l => $"{l.Text} reported at {l.Time:HH:mm:ss.fff}").ToList();
                output.WriteLine($"  {victim}, first declared dead at {at:HH:mm:ss.fff}: {(stalls.Count == 0 ? "no stall of its own within 5 s" : string.Join("; ", stalls))}");
            }

            var allStalls = processes.SelectMany((p, i) => p.Lines.Skip(marks[i]).Where(l => l.Text.StartsWith(MemberProcess.StallPrefix, StringComparison.Ordinal))).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# stalls of 100 ms or more during the watch: {allStalls.Count}, longest {(allStalls.Count == 0 ? 0 : allStalls.Max(l => double.Parse(l.Text[MemberProcess.StallPrefix.Length..].Split(' ')[0], CultureInfo.InvariantCulture))):0} ms"));

            return falseDeaths == 0 ? 0 : 1;
        }
        finally
        {
            DisposeAll(processes);
        }
    }

    private static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(30);

    /// <summary>Member processes started together.</summary>
    private const int StartBatch = 10;

    /// <summary>
    /// Starts one <see cref="MemberProcess"/> per slot of <paramref name="processes"/> in <paramref name="lab"/>, 10 at
    /// a time, each batch seeing all started so far before the next starts, then waits until no member has seen a
    /// suspicion for 30 s: N runtimes starting at once on a few cores starve each other while they compile, a start
    /// storm no cluster of machines has.
    /// </summary>
    /// <param name="lab">The lab.</param>
    /// <param name="processes">The slots to fill.</param>
    /// <param name="output">Where to say when they settled.</param>
    /// <param name="stallWatch">Whether each member runs its stall watch (a wake-up every 10 ms: not for measuring cost).</param>
    public static async Task StartSettledAsync(Lab lab, LabProcess[] processes, TextWriter output, bool stallWatch = true)
    {
        var members = processes.Length;
        var seeds = string.Join(',', Enumerable.Range(0, Math.Min(3, members)).Select(i => lab.AddressOf(i).ToString()));

        // In batches, each joined before the next starts: 100 runtimes starting at once on two cores (a load average
        // over 300 here) did not converge in minutes, a start storm that machines of their own do not have.
        for (var first = 0; first < members; first += StartBatch)
        {
            var end = Math.Min(first + StartBatch, members);
            for (var i = first; i < end; i++)
            {
                processes[i] = lab.Start(i, Self.Program, [.. Self.Arguments, "member", "--name", Name(i), "--bind", lab.AddressOf(i).ToString(), "--seeds", seeds, "--stall-watch", stallWatch ? "yes" : "no"]);
            }

            await WaitConvergedAsync(processes[..end], end, TimeSpan.FromSeconds(120));
        }

        var settling = Stopwatch.StartNew();
        await WaitQuietAsync(processes, QuietPeriod, TimeSpan.FromMinutes(10));
        output.WriteLine($"# settled {settling.Elapsed.TotalSeconds:0} s after converging (no suspicion for {QuietPeriod.TotalSeconds:0} s)");
    }

    /// <summary>Stops and disposes the processes started (empty slots skipped).</summary>
    internal static void DisposeAll(LabProcess?[] processes)
    {
        foreach (var process in processes)
        {
            process?.Dispose();
        }
    }

    internal static string Name(int member) => string.Create(CultureInfo.InvariantCulture, $"p{member}");

    private static IEnumerable<(int Observer, OutputLine Line)> Events(LabProcess[] processes, int[] marks) =>
        processes.SelectMany((p, i) => p.Lines.Skip(marks[i]).Select(l => (i, l)));

    private static (int Deaths, int Suspicions) Count(LabProcess[] processes, int[] marks)
    {
        var events = Events(processes, marks).Select(e => e.Line.Text).ToList();
        return (events.Count(t => t.StartsWith(MemberProcess.EventPrefix + "Dead", StringComparison.Ordinal)),
            events.Count(t => t.StartsWith(MemberProcess.EventPrefix + "Suspect", StringComparison.Ordinal)));
    }

    private static async Task WaitQuietAsync(LabProcess[] processes, TimeSpan quiet, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var marks = processes.Select(p => p.Lines.Count).ToArray();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed - quietSince < quiet)
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"The member processes still suspected each other {limit.TotalMinutes:0} min after converging.");
            }

            await Task.Delay(500);
            if (Count(processes, marks) != (0, 0))
            {
                quietSince = clock.Elapsed;
                marks = processes.Select(p => p.Lines.Count).ToArray();
            }
        }
    }

    private static async Task WaitConvergedAsync(LabProcess[] processes, int members, TimeSpan limit)
    {
        var expected = MemberProcess.LivePrefix + members.ToString(CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        while (!processes.All(p => p.Lines.LastOrDefault(l => l.Text.StartsWith(MemberProcess.LivePrefix, StringComparison.Ordinal))?.Text == expected))
        {
            if (clock.Elapsed > limit || processes.Any(p => p.HasExited))
            {
                throw new TimeoutException($"The member processes did not converge on {members} live members within {limit.TotalSeconds:0} s:\n{processes.First(p => p.HasExited || p.Lines.LastOrDefault(l => l.Text.StartsWith(MemberProcess.LivePrefix, StringComparison.Ordinal))?.Text != expected).Tail()}");
            }

            await Task.Delay(100);
        }
    }
}
