using System.Diagnostics;
using System.Globalization;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Detection;

/// <summary>The failures the harness injects into one member.</summary>
internal enum Failure
{
    /// <summary>The member stops without a word (its sockets close, as when its process is killed).</summary>
    Kill,

    /// <summary>Its link is set down; the member runs on, cut off.</summary>
    LinkDown,

    /// <summary>Both at once, as when a machine dies.</summary>
    Both,

    /// <summary>It leaves gracefully (SIGTERM).</summary>
    Leave,
}

/// <summary>
/// Kills, cuts off or stops one member at a time and measures until every other member has
/// declared it dead (or left); also counts false deaths (any other member declared dead).
/// </summary>
internal static class DetectionHarness
{
    public static async Task<int> RunAsync(int members, int runs, IReadOnlyList<Failure> failures, TextWriter output)
    {
        using var lab = new Lab(members);
        await using var cluster = new Cluster(lab, new MembershipOptions());
        var clock = Stopwatch.StartNew();
        await cluster.StartAllAsync();
        output.WriteLine($"# {lab.Describe()}: started and converged in {clock.Elapsed.TotalSeconds:0.0} s");
        var random = new Random(members);
        var rows = new List<string>();
        var falseDeaths = 0;
        foreach (var failure in failures)
        {
            var times = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                // A random member at a random moment (0.2 to 1.2 s after convergence), so that probe phases vary.
                var victim = random.Next(members);
                await Task.Delay(TimeSpan.FromMilliseconds(200 + random.Next(1000)));
                // A link set down cuts off every member of that namespace (one, up to 40 members).
                var victims = failure is Failure.LinkDown or Failure.Both ? lab.Neighbours(victim) : [victim];
                var names = victims.Select(cluster.NameOf).ToHashSet(StringComparer.Ordinal);
                var health = cluster.MaxHealthScore;
                var mark = cluster.Changes.Count;
                var started = Stopwatch.GetTimestamp();
                switch (failure)
                {
                    case Failure.Kill:
                        await cluster.KillAsync(victim);
                        break;
                    case Failure.LinkDown:
                        lab.LinkDown(victim);
                        break;
                    case Failure.Both:
                        lab.LinkDown(victim);
                        await cluster.KillAsync(victim);
                        break;
                    case Failure.Leave:
                        _ = cluster.LeaveAsync(victim);
                        break;
                }

                var gone = failure == Failure.Leave ? MemberEventKind.Left : MemberEventKind.Dead;
                var elapsed = await WaitAllSeeAsync(cluster, victims, names, gone, started, TimeSpan.FromSeconds(15));
                // A cut-off victim declares the others dead: only what the survivors conclude counts.
                var stray = cluster.Changes.Skip(mark).Count(c => c.Change.Kind == MemberEventKind.Dead && !names.Contains(c.Change.Member.Name) && !victims.Contains(c.Observer));
                falseDeaths += stray;
                if (elapsed is null)
                {
                    output.WriteLine($"  {failure} run {run}: not every member saw {string.Join(", ", names)} {gone} within 15 s");
                }
                else
                {
                    times.Add(elapsed.Value.TotalMilliseconds);
                    if (Environment.GetEnvironmentVariable("BARELB_DETECTION_VERBOSE") == "1")
                    {
                        output.WriteLine($"  {failure} run {run}: {elapsed.Value.TotalMilliseconds:0} ms (highest health score before: {health})");
                    }
                }

                // Bring them back under new names and wait until everyone agrees again.
                foreach (var gone1 in victims)
                {
                    await cluster.KillAsync(gone1);
                }

                if (failure is Failure.LinkDown or Failure.Both)
                {
                    lab.LinkUp(victim);
                }

                foreach (var back in victims)
                {
                    await cluster.StartAsync(back);
                }

                await cluster.WaitConvergedAsync(TimeSpan.FromSeconds(60));
            }

            rows.Add(Row(members, failure, times, runs));
            output.WriteLine(rows[^1]);
        }

        output.WriteLine($"# false deaths (a member other than the victim declared dead) during these runs: {falseDeaths}");
        return 0;
    }

    public static string Header => "| members | failure | runs | median ms | p99 ms | max ms |\n|---|---|---|---|---|---|";

    internal static string Row(int members, Failure failure, List<double> times, int runs, string? membersLabel = null)
    {
        var label = membersLabel ?? members.ToString(CultureInfo.InvariantCulture);
        if (times.Count == 0)
        {
            return $"| {label} | {failure} | 0 of {runs} | - | - | - |";
        }

        times.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"| {label} | {Describe(failure)} | {times.Count} of {runs} | {Percentile(times, 0.5):0} | {Percentile(times, 0.99):0} | {times[^1]:0} |");
    }

    private static string Describe(Failure failure) => failure switch
    {
        Failure.Kill => "killed (sockets closed)",
        Failure.LinkDown => "link down",
        Failure.Both => "killed + link down",
        _ => "leave (SIGTERM)",
    };

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    internal static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>Until every member but the victim has seen it <paramref name="kind"/>: the time from <paramref name="started"/> to the last of them.</summary>
    private static async Task<TimeSpan?> WaitAllSeeAsync(Cluster cluster, IReadOnlyList<int> victims, HashSet<string> names, MemberEventKind kind, long started, TimeSpan limit)
    {
        var observers = Enumerable.Range(0, cluster.Count).Except(victims).ToHashSet();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var seen = cluster.Changes.Where(c => names.Contains(c.Change.Member.Name) && c.Change.Kind == kind && c.At >= started && observers.Contains(c.Observer))
                .GroupBy(c => (c.Observer, c.Change.Member.Name)).Select(g => g.Min(c => c.At)).ToList();
            if (seen.Count == observers.Count * names.Count)
            {
                return Stopwatch.GetElapsedTime(started, seen.Max());
            }

            await Task.Delay(10);
        }

        return null;
    }
}
