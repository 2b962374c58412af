using BareLb.Kube.Controller;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>Editing the ConfigMap: a shrunk or removed pool releases exactly the addresses it lost.</summary>
public sealed class PoolChangeTests
{
    private static readonly LegacyPool A = new("a", ["192.168.35.100-192.168.35.104"]);
    private static readonly LegacyPool B = new("b", ["192.168.36.100-192.168.36.109"]);
    private static readonly LegacyPool ShrunkA = new("a", ["192.168.35.100-192.168.35.102"]);

    /// <summary>s0..s4 fill pool a; pinned-0 and pinned-1 are pinned to pool b.</summary>
    private static async Task<ScenarioCluster> FilledAsync()
    {
        var cluster = await ScenarioCluster.StartWithControllerAsync([A, B]);
        for (var i = 0; i < 5; i++)
        {
            await cluster.CreateAsync($"s{i}");
            Assert.Equal([$"192.168.35.10{i}"], await cluster.IngressAsync($"s{i}"));
        }

        for (var i = 0; i < 2; i++)
        {
            await cluster.CreateAsync($"pinned-{i}", s => s.Metadata.Annotations["metallb.io/address-pool"] = "b");
            Assert.Equal([$"192.168.36.10{i}"], await cluster.IngressAsync($"pinned-{i}"));
        }

        return cluster;
    }

    private static async Task<Dictionary<string, string>> VersionsAsync(ScenarioCluster cluster, params string[] names)
    {
        var services = await cluster.ServicesAsync();
        return names.ToDictionary(n => n, n => services[n].Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ShrinkingAPool_MovesOnlyTheServicesOutsideIt_ToAnotherPool()
    {
        await using var cluster = await FilledAsync();
        string[] unaffected = ["s0", "s1", "s2", "pinned-0", "pinned-1"];
        var before = await VersionsAsync(cluster, unaffected);

        await cluster.ConfigureAsync(ShrunkA, B);

        Assert.Equal(["192.168.36.102"], await WaitForAsync(cluster, "s3", "192.168.36.102"));
        Assert.Equal(["192.168.36.103"], await WaitForAsync(cluster, "s4", "192.168.36.103"));
        await cluster.WaitForAsync("s4", s => ScenarioCluster.PoolOf(s) == "b", "the annotation of pool b"); // the status and the annotation are two writes
        await cluster.EventAsync("s4", ServiceEventReasons.IPAllocated, "192.168.36.103");
        await cluster.SettledAsync();
        Assert.Equal(before, await VersionsAsync(cluster, unaffected));
    }

    [Fact]
    public async Task ALostAddress_IsReportedWithAClearAssignmentEvent()
    {
        await using var cluster = await FilledAsync();

        await cluster.ConfigureAsync(ShrunkA, B);

        await WaitForAsync(cluster, "s4", "192.168.36.103");
        await cluster.EventAsync("s4", ServiceEventReasons.ClearAssignment);
        Assert.DoesNotContain(await cluster.EventsAsync("s0"), e => e.Reason == ServiceEventReasons.ClearAssignment);
    }

    [Fact]
    public async Task RemovingAPool_ClearsTheServicesPinnedToIt_AndExplainsWhy()
    {
        await using var cluster = await FilledAsync();
        string[] unaffected = ["s0", "s1", "s2", "s3", "s4"];
        var before = await VersionsAsync(cluster, unaffected);

        await cluster.ConfigureAsync(A);

        await cluster.NoIngressAsync("pinned-0");
        await cluster.NoIngressAsync("pinned-1");
        await cluster.EventAsync("pinned-1", ServiceEventReasons.AllocationFailed, "the Service asks for pool b, which does not exist");
        await cluster.SettledAsync();
        Assert.Equal(before, await VersionsAsync(cluster, unaffected));

        // Putting the pool back gives them addresses again.
        await cluster.ConfigureAsync(A, B);
        Assert.Equal(["192.168.36.100"], await WaitForAsync(cluster, "pinned-0", "192.168.36.100"));
        Assert.Equal(["192.168.36.101"], await WaitForAsync(cluster, "pinned-1", "192.168.36.101"));
    }

    [Fact]
    public async Task RemovingAPool_ReallocatesItsServicesFromAnotherPool_WhenOneHasRoom()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync([ShrunkA, B]);
        await cluster.CreateAsync("in-a");
        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("in-a"));
        await cluster.CreateAsync("in-b", s => s.Spec.LoadBalancerIP = "192.168.36.105");
        await cluster.CreateAsync("auto-b", s => s.Metadata.Annotations["metallb.io/address-pool"] = "b");
        Assert.Equal(["192.168.36.105"], await cluster.IngressAsync("in-b"));
        Assert.Equal(["192.168.36.100"], await cluster.IngressAsync("auto-b"));
        var before = await VersionsAsync(cluster, "in-a");

        // b goes; auto-b's pin is dropped in the same edit, so it moves to a; in-b asked for an address of b and loses it.
        await cluster.PatchAsync("auto-b", """{"metadata":{"annotations":{"metallb.io/address-pool":null}}}""");
        await cluster.ConfigureAsync(ShrunkA);

        Assert.Equal(["192.168.35.101"], await WaitForAsync(cluster, "auto-b", "192.168.35.101"));
        await cluster.WaitForAsync("auto-b", s => ScenarioCluster.PoolOf(s) == "a", "the annotation of pool a");
        await cluster.NoIngressAsync("in-b");
        await cluster.EventAsync("in-b", ServiceEventReasons.AllocationFailed, "192.168.36.105 is not in any address pool");
        await cluster.SettledAsync();
        Assert.Equal(before, await VersionsAsync(cluster, "in-a"));
    }

    private static async Task<IReadOnlyList<string>> WaitForAsync(ScenarioCluster cluster, string name, string address)
    {
        var service = await cluster.WaitForAsync(name, s => ScenarioCluster.IngressOf(s) is [var ip] && ip == address && ScenarioCluster.PoolOf(s) is not null, address);
        return ScenarioCluster.IngressOf(service);
    }
}
