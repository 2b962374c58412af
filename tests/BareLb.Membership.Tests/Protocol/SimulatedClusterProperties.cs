using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Membership.Tests.Protocol.Simulation;
using CsCheck;

namespace BareLb.Membership.Tests.Protocol;

/// <summary>Properties of whole clusters on the simulated network, at BareLb's defaults, in simulated time.</summary>
public sealed class SimulatedClusterProperties(ITestOutputHelper output)
{
    [Fact]
    public void ClustersConvergeToTheTrueMembershipOnceLossAndPartitionsHeal()
    {
        var scenario =
            from size in Gen.Int[3, 12]
            from seed in Gen.Int
            from loss in Gen.Double[0, 0.3]
            from maxDelayMs in Gen.Double[0.2, 20]
            from groups in Gen.Int[2, 3]
            from chaosMs in Gen.Int[500, 20_000]
            from killed in Gen.Int[0, 1]
            select (size, seed, loss, maxDelayMs, groups, chaosMs, killed);

        scenario.Sample(
            s =>
            {
                var cluster = new SimulatedCluster(s.size, new MembershipOptions(), s.seed) { MaxDelay = TimeSpan.FromMilliseconds(s.maxDelayMs) };
                cluster.StartAll(TimeSpan.FromMilliseconds(100));
                Assert.True(cluster.RunFor(TimeSpan.FromSeconds(30), cluster.Converged, TimeSpan.FromMilliseconds(50)), "formed");

                // Chaos: loss, delay, a partition into random groups, maybe a member killed.
                cluster.Loss = s.loss;
                cluster.Partition = [.. Enumerable.Range(0, s.size).Select(_ => cluster.Random.Next(s.groups))];
                if (s.killed == 1)
                {
                    cluster.Kill(cluster.Members[cluster.Random.Next(s.size)]);
                }

                cluster.RunFor(TimeSpan.FromMilliseconds(s.chaosMs));

                // Healed: every member that is up must see exactly the members that are up, all alive.
                cluster.Loss = 0;
                cluster.Partition = null;
                var converged = cluster.RunFor(TimeSpan.FromSeconds(60), cluster.Converged, TimeSpan.FromMilliseconds(100));
                Assert.True(converged, $"not converged 60 s after healing: {Describe(cluster)}");
            },
            iter: 25,
            threads: 1);
    }

    [Fact]
    public void AKilledMemberIsDeclaredDeadByEverySurvivorWithin500Ms()
    {
        var scenario = from size in Gen.Int[3, 20] from seed in Gen.Int select (size, seed);
        var times = new List<TimeSpan>();
        scenario.Sample(
            s =>
            {
                var result = DetectionExperiment.Run(s.size, new MembershipOptions(), s.seed);
                Assert.True(result.Formed);
                Assert.Equal(0, result.FalseDeaths);
                Assert.NotNull(result.Detection);
                times.Add(result.Detection.Value);
                Assert.True(result.Detection.Value <= TimeSpan.FromMilliseconds(500), $"{s.size} members: {result.Detection.Value.TotalMilliseconds} ms");
            },
            iter: 60,
            threads: 1);
        var (median, p99, max) = DetectionExperiment.Distribution(times);
        output.WriteLine($"{times.Count} runs, 3 to 20 members: median {median:F0} ms, p99 {p99:F0} ms, max {max:F0} ms");
    }

    [Theory]
    [InlineData(3, 600)]
    [InlineData(10, 600)]
    [InlineData(100, 60)]
    public void NoMemberIsDeclaredDeadFalselyWith1PercentLoss(int size, int seconds)
    {
        Gen.Int.Sample(
            seed =>
            {
                var cluster = new SimulatedCluster(size, new MembershipOptions(), seed) { MaxDelay = TimeSpan.FromMilliseconds(2) };
                cluster.StartAll(TimeSpan.FromMilliseconds(100));
                Assert.True(cluster.RunFor(TimeSpan.FromSeconds(30), cluster.Converged, TimeSpan.FromMilliseconds(50)), "formed");
                cluster.Loss = 0.01;
                var from = cluster.Events.Count;
                cluster.RunFor(TimeSpan.FromSeconds(seconds));
                var events = cluster.Events.Skip(from).ToList();
                var deaths = events.Where(e => e.Event.Kind is MemberEventKind.Dead).ToList();
                var suspicions = events.Count(e => e.Event.Kind is MemberEventKind.Suspect);
                output.WriteLine($"seed {seed}, {size} members, {seconds} s at 1% loss: {suspicions} suspicions seen, {deaths.Count} deaths");
                Assert.Empty(deaths);
                Assert.True(cluster.Converged());
            },
            iter: 2,
            threads: 1);
    }

    [Theory]
    [InlineData(10, 120, 30)]
    [InlineData(100, 20, 25)]
    public void NoMemberIsDeclaredDeadFalselyWhenEveryMemberStallsWith1PercentLoss(int size, int seconds, int stallMs)
    {
        // CPU starvation as the protocol sees it: every packet and every timer of every member waits
        // a random 0 to stallMs before it is handled, so acks often miss the 15 ms probe timeout.
        Gen.Int.Sample(
            seed =>
            {
                var cluster = new SimulatedCluster(size, new MembershipOptions(), seed) { MaxDelay = TimeSpan.FromMilliseconds(2) };
                cluster.StartAll(TimeSpan.FromMilliseconds(100));
                Assert.True(cluster.RunFor(TimeSpan.FromSeconds(30), cluster.Converged, TimeSpan.FromMilliseconds(50)), "formed");
                cluster.Loss = 0.01;
                cluster.Members.ForEach(m => m.Stall = TimeSpan.FromMilliseconds(stallMs));
                var from = cluster.Events.Count;
                cluster.RunFor(TimeSpan.FromSeconds(seconds));
                var events = cluster.Events.Skip(from).ToList();
                var suspicions = events.Count(e => e.Event.Kind is MemberEventKind.Suspect);
                output.WriteLine($"seed {seed}, {size} members stalling up to {stallMs} ms, {seconds} s at 1% loss: {suspicions} suspicions seen, all refuted");
                Assert.DoesNotContain(events, e => e.Event.Kind is MemberEventKind.Dead);
            },
            iter: 1,
            threads: 1);
    }

    [Fact]
    public void ALeavingMemberIsGoneForEveryoneWithin100MsDespite1PercentLoss()
    {
        var scenario = from size in Gen.Int[3, 30] from seed in Gen.Int select (size, seed);
        scenario.Sample(
            s =>
            {
                var cluster = new SimulatedCluster(s.size, new MembershipOptions(), s.seed) { MaxDelay = TimeSpan.FromMilliseconds(2) };
                cluster.StartAll(TimeSpan.FromMilliseconds(100));
                Assert.True(cluster.RunFor(TimeSpan.FromSeconds(30), cluster.Converged, TimeSpan.FromMilliseconds(50)), "formed");
                cluster.Loss = 0.01;
                cluster.RunFor(TimeSpan.FromMilliseconds(cluster.Random.Next(0, 1000)));
                var leaver = cluster.Members[cluster.Random.Next(s.size)];
                var start = cluster.Now;
                cluster.Leave(leaver);
                Assert.True(cluster.RunFor(TimeSpan.FromMilliseconds(100), () => cluster.AllSeeGone(leaver), TimeSpan.FromMilliseconds(1)), "gone within 100 ms");
                Assert.True(cluster.RunFor(TimeSpan.FromSeconds(2), () => leaver.LeaveFinishedAt is not null), "leave finished");
                Assert.All(cluster.Members.Where(m => m != leaver), m => Assert.Equal(MemberStatus.Left, m.Protocol.Find(leaver.Protocol.Name)!.Status));
                Assert.True(cluster.Now - start < TimeSpan.FromSeconds(2));
            },
            iter: 20,
            threads: 1);
    }

    private static string Describe(SimulatedCluster cluster) => string.Join("; ", cluster.Members.Where(m => m.Up).Select(m =>
        $"{m}: {string.Join(",", m.Protocol.Members.Select(i => $"{i.Name}={i.Status}"))}"));
}
