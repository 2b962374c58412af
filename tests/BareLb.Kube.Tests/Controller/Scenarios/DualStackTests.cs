using System.Net;
using System.Net.Sockets;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>Dual-stack and IPv6 Services on a dual-stack cluster (the emulator with an IPv4 and an IPv6 service CIDR).</summary>
public sealed class DualStackTests
{
    private static KubeApiServerOptions DualStackCluster => new() { ServiceClusterIpRange = "10.96.0.0/12,2001:db8:ffff::/112" };

    private static readonly LegacyPool[] DualStackPool = [new("dual", ["192.168.35.100-192.168.35.110", "2001:db8:35::100-2001:db8:35::110"])];

    private static readonly LegacyPool[] OnePoolPerFamily =
    [
        new("v4", ["192.168.35.100-192.168.35.110"]),
        new("v6", ["2001:db8:35::100-2001:db8:35::110"]),
    ];

    private static Action<V1Service> Families(string policy, params string[] families) => s =>
    {
        s.Spec.IpFamilyPolicy = policy;
        s.Spec.IpFamilies = families;
    };

    private static AddressFamily FamilyOf(string ip) => IPAddress.Parse(ip).AddressFamily;

    [Theory]
    [InlineData("RequireDualStack")]
    [InlineData("PreferDualStack")]
    public async Task ADualStackService_GetsOneAddressOfEachFamily_FromADualStackPool(string policy)
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(DualStackPool, DualStackCluster);

        await cluster.CreateAsync("both", Families(policy, "IPv4", "IPv6"));

        Assert.Equal(["192.168.35.100", "2001:db8:35::100"], await cluster.IngressAsync("both", count: 2));
        Assert.Equal("dual", ScenarioCluster.PoolOf(await cluster.GetAsync("both")));
        await cluster.EventAsync("both", ServiceEventReasons.IPAllocated, "Assigned IP [\"192.168.35.100\", \"2001:db8:35::100\"]");
    }

    [Fact]
    public async Task AnIPv6PrimaryDualStackService_ShowsItsIPv6AddressFirst()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(DualStackPool, DualStackCluster);

        await cluster.CreateAsync("v6-first", Families("RequireDualStack", "IPv6", "IPv4"));

        var addresses = await cluster.IngressAsync("v6-first", count: 2);
        Assert.Equal([AddressFamily.InterNetworkV6, AddressFamily.InterNetwork], addresses.Select(FamilyOf));
    }

    [Fact]
    public async Task ASingleStackIPv6Service_GetsAnIPv6Address()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(DualStackPool, DualStackCluster);

        await cluster.CreateAsync("v6", Families("SingleStack", "IPv6"));
        await cluster.CreateAsync("v4");

        Assert.Equal(["2001:db8:35::100"], await cluster.IngressAsync("v6"));
        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("v4"));
    }

    [Fact]
    public async Task RequestedAddressesOfBothFamilies_AreAssignedAsAsked()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(DualStackPool, DualStackCluster);

        await cluster.CreateAsync("asked", s =>
        {
            Families("RequireDualStack", "IPv4", "IPv6")(s);
            s.Metadata.Annotations["metallb.io/loadBalancerIPs"] = "192.168.35.107,2001:db8:35::107";
        });

        Assert.Equal(["192.168.35.107", "2001:db8:35::107"], await cluster.IngressAsync("asked", count: 2));
    }

    [Fact]
    public async Task WithOnePoolPerFamily_RequireDualStackFails_PreferDualStackFallsBackToItsPrimaryFamily()
    {
        // As MetalLB: both addresses of a dual-stack Service come from one pool.
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(OnePoolPerFamily, DualStackCluster);

        await cluster.CreateAsync("require", Families("RequireDualStack", "IPv4", "IPv6"));
        await cluster.CreateAsync("prefer", Families("PreferDualStack", "IPv6", "IPv4"));

        var failed = await cluster.EventAsync("require", ServiceEventReasons.AllocationFailed);
        Assert.Contains("the Service needs IPv4 and IPv6 addresses from one pool, and no pool that serves it (v4, v6) has both", failed.Message, StringComparison.Ordinal);
        Assert.Equal(["2001:db8:35::100"], await cluster.IngressAsync("prefer"));
        Assert.Equal("v6", ScenarioCluster.PoolOf(await cluster.GetAsync("prefer")));
    }

    [Fact]
    public async Task PreferDualStack_OnASingleStackCluster_GetsAnIPv4AddressOnly()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(DualStackPool);

        await cluster.CreateAsync("prefer", s => s.Spec.IpFamilyPolicy = "PreferDualStack");

        Assert.Equal(["IPv4"], (await cluster.GetAsync("prefer")).Spec.IpFamilies);
        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("prefer"));
    }
}
