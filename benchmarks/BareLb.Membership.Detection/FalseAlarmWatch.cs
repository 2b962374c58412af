using System.Diagnostics;

namespace BareLb.Membership.Detection;

/// <summary>The watch both false-alarm harnesses keep: CPUs saturated for the duration, the counts printed every minute.</summary>
internal static class FalseAlarmWatch
{
    /// <summary>
    /// Runs <c>stress-ng --cpu <paramref name="stressCpus"/></c> (none at 0) for <paramref name="duration"/>, printing
    /// <paramref name="count"/>'s false deaths and suspicions every minute followed by <paramref name="more"/>; returns
    /// the counts at the end, with stress-ng stopped.
    /// </summary>
    public static async Task<(int Deaths, int Suspicions)> RunAsync(TimeSpan duration, int stressCpus, Func<(int Deaths, int Suspicions)> count, Func<string> more, TextWriter output)
    {
        using var stress = stressCpus > 0 ? Stress.Start(stressCpus, duration + TimeSpan.FromSeconds(30)) : null;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var left = duration - clock.Elapsed;
            await Task.Delay(left < TimeSpan.FromMinutes(1) ? left : TimeSpan.FromMinutes(1));
            var (deaths, suspicions) = count();
            output.WriteLine($"  {clock.Elapsed.TotalMinutes:0.0} min: {deaths} false deaths, {suspicions} suspicions (all refuted unless a death follows){more()}");
        }

        var result = count();
        if (stress is not null && !stress.HasExited)
        {
            stress.Kill(entireProcessTree: true);
            await stress.WaitForExitAsync();
        }

        return result;
    }
}
