using BareLb.Kube.Controller;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>Pools pinned by annotation, auto-assign off, and addresses requested by spec or annotation.</summary>
public sealed class PinningTests
{
    private static readonly LegacyPool[] Pools =
    [
        new("default", ["192.168.35.100-192.168.35.102"]),
        new("second", ["192.168.36.100-192.168.36.102"]),
        new("reserved", ["192.168.37.100-192.168.37.102"], AutoAssign: false),
    ];

    [Theory]
    [InlineData("metallb.io/address-pool", "second", "192.168.36.100")]
    [InlineData("metallb.universe.tf/address-pool", "second", "192.168.36.100")]
    [InlineData("metallb.io/address-pool", "reserved", "192.168.37.100")]
    [InlineData("metallb.universe.tf/address-pool", "reserved", "192.168.37.100")]
    public async Task ThePoolAnnotation_PinsThePool_EvenOneWithAutoAssignOff(string annotation, string pool, string expected)
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(Pools);

        await cluster.CreateAsync("pinned", s => s.Metadata.Annotations[annotation] = pool);

        Assert.Equal([expected], await cluster.IngressAsync("pinned"));
        Assert.Equal(pool, ScenarioCluster.PoolOf(await cluster.GetAsync("pinned")));
    }

    [Fact]
    public async Task AnUnknownPool_FailsNamingIt()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(Pools);

        await cluster.CreateAsync("lost", s => s.Metadata.Annotations["metallb.io/address-pool"] = "no-such-pool");

        var failed = await cluster.EventAsync("lost", ServiceEventReasons.AllocationFailed);
        Assert.Equal("Failed to allocate IP for \"apps/lost\": the Service asks for pool no-such-pool, which does not exist", failed.Message);
        Assert.Empty(ScenarioCluster.IngressOf(await cluster.GetAsync("lost")));
    }

    [Fact]
    public async Task APoolWithAutoAssignOff_ServesOnlyExplicitRequests()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(Pools);

        // Six automatic Services fill default and second; the seventh finds no pool, though reserved has room.
        var auto = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            await cluster.CreateAsync($"auto-{i}");
            if (i < 6)
            {
                auto.AddRange(await cluster.IngressAsync($"auto-{i}"));
            }
        }

        Assert.Equal(["192.168.35.100", "192.168.35.101", "192.168.35.102", "192.168.36.100", "192.168.36.101", "192.168.36.102"], auto);
        var failed = await cluster.EventAsync("auto-6", ServiceEventReasons.AllocationFailed);
        Assert.Contains("no free IPv4 address in pools default, second", failed.Message, StringComparison.Ordinal);

        // Explicit requests for reserved addresses are served, by spec or by either annotation spelling.
        await cluster.CreateAsync("by-spec", s => s.Spec.LoadBalancerIP = "192.168.37.101");
        await cluster.CreateAsync("by-annotation", s => s.Metadata.Annotations["metallb.io/loadBalancerIPs"] = "192.168.37.102");
        await cluster.CreateAsync("by-old-annotation", s => s.Metadata.Annotations["metallb.universe.tf/loadBalancerIPs"] = "192.168.37.100");
        Assert.Equal(["192.168.37.101"], await cluster.IngressAsync("by-spec"));
        Assert.Equal(["192.168.37.102"], await cluster.IngressAsync("by-annotation"));
        Assert.Equal(["192.168.37.100"], await cluster.IngressAsync("by-old-annotation"));
        Assert.Equal("reserved", ScenarioCluster.PoolOf(await cluster.GetAsync("by-annotation")));
        Assert.Empty(ScenarioCluster.IngressOf(await cluster.GetAsync("auto-6")));
    }

    [Fact]
    public async Task ARequestedAddress_OutsideThePinnedPool_OrInNoPool_FailsSayingWhy()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(Pools);

        await cluster.CreateAsync("mismatch", s =>
        {
            s.Metadata.Annotations["metallb.io/address-pool"] = "second";
            s.Metadata.Annotations["metallb.io/loadBalancerIPs"] = "192.168.35.101";
        });
        await cluster.CreateAsync("nowhere", s => s.Spec.LoadBalancerIP = "192.168.99.1");
        await cluster.CreateAsync("both", s =>
        {
            s.Spec.LoadBalancerIP = "192.168.35.101";
            s.Metadata.Annotations["metallb.io/loadBalancerIPs"] = "192.168.35.101";
        });

        Assert.Contains("192.168.35.101 is in pool default, not in pool second that the Service asks for", (await cluster.EventAsync("mismatch", ServiceEventReasons.AllocationFailed)).Message, StringComparison.Ordinal);
        Assert.Contains("192.168.99.1 is not in any address pool", (await cluster.EventAsync("nowhere", ServiceEventReasons.AllocationFailed)).Message, StringComparison.Ordinal);
        Assert.Contains("sets both spec.loadBalancerIP and the annotation metallb.io/loadBalancerIPs", (await cluster.EventAsync("both", ServiceEventReasons.AllocationFailed)).Message, StringComparison.Ordinal);
    }
}
