using BareLb.Membership.Options;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Tests.Protocol.Simulation;

/// <summary>One simulated failure: a cluster forms, runs a random while, one member is killed; how long until every survivor sees it dead.</summary>
internal static class DetectionExperiment
{
    public sealed record Result(TimeSpan? Detection, TimeSpan? FirstDetection, int FalseDeaths, bool Formed);

    public static Result Run(int size, MembershipOptions options, int seed, double loss = 0, TimeSpan? timeout = null)
    {
        var cluster = new SimulatedCluster(size, options, seed) { Loss = loss };
        cluster.StartAll(TimeSpan.FromMilliseconds(100));
        var formed = cluster.RunFor(TimeSpan.FromSeconds(60), cluster.Converged, TimeSpan.FromMilliseconds(50));
        if (!formed)
        {
            return new Result(null, null, 0, false);
        }

        // A random phase between the cluster forming and the failure.
        cluster.RunFor(TimeSpan.FromMilliseconds(cluster.Random.Next(0, 2000)));
        var victim = cluster.Members[cluster.Random.Next(size)];
        var eventsBefore = cluster.Events.Count;
        var killedAt = cluster.Now;
        cluster.Kill(victim);
        var detected = cluster.RunFor(timeout ?? TimeSpan.FromSeconds(120), () => cluster.AllSeeGone(victim), TimeSpan.FromMilliseconds(1));
        var deaths = cluster.Events.Skip(eventsBefore).Where(e => e.Event.Kind == MemberEventKind.Dead).ToList();
        var falseDeaths = deaths.Count(e => e.Event.Member.Name != victim.Protocol.Name);
        var victimDeaths = deaths.Where(e => e.Event.Member.Name == victim.Protocol.Name).ToList();
        return new Result(
            detected ? cluster.Now - killedAt : null,
            victimDeaths.Count > 0 ? victimDeaths[0].At - killedAt : null,
            falseDeaths,
            true);
    }

    public static (double Median, double P99, double Max) Distribution(IEnumerable<TimeSpan> times)
    {
        var sorted = times.Select(t => t.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return (At(0.5), At(0.99), sorted[^1]);
    }
}
