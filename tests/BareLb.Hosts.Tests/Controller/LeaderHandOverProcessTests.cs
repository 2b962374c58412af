using System.Diagnostics;
using BareLb.Hosts.Tests.Support;

namespace BareLb.Hosts.Tests.Controller;

/// <summary>Two barelb-controller processes against one API server: the follower takes over from a killed leader and moves nothing.</summary>
public sealed class LeaderHandOverProcessTests
{
    // Passed as --lease-duration; the host renews within 2/3 of it and retries every 2/15 of it.
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan RetryPeriod = LeaseDuration * 2 / 15;

    [Fact]
    public async Task WhenTheLeaderIsKilled_TheFollowerTakesOverWithinTheLease_AndNoAddressChanges()
    {
        await using var cluster = await HostCluster.StartAsync();
        for (var i = 0; i < 6; i++)
        {
            await cluster.CreateAsync($"svc-{i}", i % 3 == 0 ? s => s.Spec.LoadBalancerIP = $"192.168.35.{110 - (i / 3)}" : null);
        }

        using var leader = await ControllerProcess.StartAsync(cluster.Server.KubeconfigPath, "replica-a", "--lease-duration", "3");
        await leader.ReadyAsync();
        var before = await cluster.ConvergedAsync(6);
        using var follower = await ControllerProcess.StartAsync(cluster.Server.KubeconfigPath, "replica-b", "--lease-duration", "3");
        await follower.ReadyAsync("ok (follower; replica-a leads)");
        Assert.Equal("replica-a", cluster.LeaseHolder());
        var versions = (await cluster.ServicesAsync()).ToDictionary(p => p.Key, p => p.Value.Metadata.ResourceVersion);

        leader.Process.Kill(entireProcessTree: true);
        var killed = Stopwatch.StartNew();
        while (cluster.LeaseHolder() != "replica-b")
        {
            Assert.True(killed.Elapsed < LeaseDuration + RetryPeriod + TimeSpan.FromSeconds(10), $"replica-b has not taken the Lease {killed.Elapsed} after the leader died");
            await Task.Delay(100, HostCluster.Ct);
        }

        await follower.ReadyAsync();
        await cluster.CreateAsync("after-hand-over");
        Assert.Equal(["192.168.35.104"], await cluster.IngressAsync("after-hand-over"));
        var after = await cluster.ServicesAsync();
        foreach (var (name, address) in before)
        {
            Assert.Equal([address], HostCluster.IngressOf(after[name]));
            Assert.Equal(versions[name], after[name].Metadata.ResourceVersion);
        }
    }
}
