using System.Globalization;
using BareLb.Lab.GoMemberlist;
using BareLb.Lab.Processes;
using BareLb.Membership.Options;

namespace BareLb.Membership.Detection;

/// <summary>
/// What idle members cost: N <see cref="MemberProcess"/>es in the lab, settled as for the false-alarm check, then
/// each one's CPU time and resident memory (a <see cref="ProcessSample"/> from <c>/proc</c>) over a window with
/// nothing happening but the protocol's own probing (the members run without their stall watch, which wakes every 10 ms),
/// at the fast pace and then, the same processes, at the relaxed pace (<see cref="DetectionPace.Relaxed"/>).
/// In the same run and lab, as anchors: N Go agents (hashicorp/memberlist from Debian) with BareLb's timings, so that
/// the same protocol work is done by memberlist's own code, and N with MetalLB's settings (memberlist's LAN defaults).
/// </summary>
internal static class IdleCostHarness
{
    /// <summary>How long Go agents run after they all see each other, before the window.</summary>
    private static readonly TimeSpan AgentSettling = TimeSpan.FromSeconds(10);

    /// <summary>BareLb's default timings (<see cref="Options.MembershipOptions"/>) as the Go agent's flags.</summary>
    private static readonly string[] BareLbTimings =
    [
        "-probe-interval", "40ms", "-probe-timeout", "15ms", "-gossip-interval", "10ms",
        "-push-pull-interval", "15s", "-suspicion-mult", "3", "-suspicion-max-timeout-mult", "6",
    ];

    public static async Task<int> RunAsync(int members, TimeSpan window, bool anchors, TextWriter output)
    {
        var rows = new List<string>();
        using (var lab = new Lab(members))
        {
            var processes = new LabProcess[members];
            try
            {
                await ProcessFalseAlarmHarness.StartSettledAsync(lab, processes, output, stallWatch: false);
                rows.Add(await MeasureAsync("BareLb (its defaults: probe 40 ms, gossip 10 ms)", processes, window));

                // The same processes at the relaxed pace, as a speaker with no address sets it.
                foreach (var process in processes)
                {
                    process.Send(MemberProcess.PacePrefix + "relaxed");
                    await process.WaitForLineAsync(static l => l.Text == MemberProcess.PacePrefix + nameof(DetectionPace.Relaxed), TimeSpan.FromSeconds(10));
                }

                // As long as the Go agents settle: the switch's own work (and tiered compilation of the relaxed path) stays out of the window.
                await Task.Delay(AgentSettling);
                rows.Add(await MeasureAsync("BareLb at the relaxed pace (probe 1 s), as a speaker with no address", processes, window));
            }
            finally
            {
                ProcessFalseAlarmHarness.DisposeAll(processes);
            }
        }

        if (anchors)
        {
            var (agent, problem) = GoMemberlistAgent.Find();
            if (agent is null)
            {
                output.WriteLine($"# anchors skipped: {problem}");
            }
            else
            {
                rows.Add(await MeasureAgentsAsync("memberlist, Go (BareLb's timings)", agent, members, BareLbTimings, window, output));
                rows.Add(await MeasureAgentsAsync("memberlist, Go (MetalLB's settings: probe 1 s, gossip 200 ms)", agent, members, [], window, output));
            }
        }

        output.WriteLine("| members | what | window | CPU per process, mean (min to max) | all processes | resident memory per process, mean |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {members} | {row} |"));
        }

        return 0;
    }

    /// <summary>Starts <paramref name="members"/> Go agents with <paramref name="timings"/> in a fresh lab, joins them, settles, and measures them.</summary>
    private static async Task<string> MeasureAgentsAsync(string what, string agent, int members, string[] timings, TimeSpan window, TextWriter output)
    {
        using var lab = new Lab(members);
        var agents = new LabProcess[members];
        try
        {
            for (var i = 0; i < members; i++)
            {
                agents[i] = lab.Start(i, agent, ["-name", Name(i), "-bind", lab.AddressOf(i).ToString(), "-port", "7946", .. timings]);
                await agents[i].WaitForLineAsync(l => l.Text.StartsWith("ready ", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            }

            for (var i = 1; i < members; i++)
            {
                agents[i].Send($"join {lab.AddressOf(0)}:7946");
            }

            // Each agent reports a join for every member, itself included.
            var names = Enumerable.Range(0, members).Select(Name).ToHashSet();
            foreach (var process in agents)
            {
                foreach (var name in names)
                {
                    await process.WaitForLineAsync(l => l.Text.StartsWith($"join {name} ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                }
            }

            await Task.Delay(AgentSettling);
            output.WriteLine($"# {what}: {members} agents joined, settled {AgentSettling.TotalSeconds:0} s");
            return await MeasureAsync(what, agents, window);
        }
        finally
        {
            ProcessFalseAlarmHarness.DisposeAll(agents);
        }
    }

    private static async Task<string> MeasureAsync(string what, LabProcess[] processes, TimeSpan window)
    {
        var before = processes.Select(p => ProcessSample.Of(p.Id)).ToArray();
        await Task.Delay(window);
        var after = processes.Select(p => ProcessSample.Of(p.Id)).ToArray();
        var shares = before.Zip(after, (b, a) => ProcessSample.CpuShare(b, a) * 100).ToArray();
        var rss = after.Select(s => s.ResidentBytes / 1048576.0).ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"{what} | {window.TotalSeconds:0} s | {shares.Average():0.00} % of a core ({shares.Min():0.00} to {shares.Max():0.00}) | {shares.Sum():0.0} % | {rss.Average():0.0} MB");
    }

    private static string Name(int member) => string.Create(CultureInfo.InvariantCulture, $"g{member}");
}
