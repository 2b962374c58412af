using BareLb.Kube.Controller;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>MetalLB's sharing rules end to end: the sharing key, ports, and both annotation spellings.</summary>
public sealed class SharingTests
{
    private static Action<V1Service> Shared(string key, string address, int port, string annotation = "metallb.io/allow-shared-ip") => s =>
    {
        s.Metadata.Annotations[annotation] = key;
        s.Spec.LoadBalancerIP = address;
        s.Spec.Ports = [new V1ServicePort { Port = port, Protocol = "TCP" }];
    };

    [Fact]
    public async Task TheSameKey_TheSameAddress_AndOtherPorts_ShareIt()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools);

        await cluster.CreateAsync("http", Shared("web", "192.168.35.105", 80));
        await cluster.CreateAsync("https", Shared("web", "192.168.35.105", 443));

        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("http"));
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("https"));
        Assert.Equal("default", ScenarioCluster.PoolOf(await cluster.GetAsync("https")));
        await cluster.EventAsync("https", ServiceEventReasons.IPAllocated, "Assigned IP [\"192.168.35.105\"]");
    }

    [Fact]
    public async Task TheSameKey_AndTheSamePort_FailsNamingTheConflict_UntilTheHolderGoes()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools);
        await cluster.CreateAsync("first", Shared("web", "192.168.35.105", 80));
        await cluster.CreateAsync("other", Shared("web", "192.168.35.105", 443));
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("first"));

        await cluster.CreateAsync("second", Shared("web", "192.168.35.105", 80));

        var failed = await cluster.EventAsync("second", ServiceEventReasons.AllocationFailed);
        Assert.Equal("Warning", failed.Type);
        Assert.Contains("port 80/TCP on 192.168.35.105 is in use by apps/first", failed.Message, StringComparison.Ordinal);
        Assert.Empty(ScenarioCluster.IngressOf(await cluster.GetAsync("second")));

        await cluster.DeleteAsync("first");

        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("second"));
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("other"));
    }

    [Fact]
    public async Task WhenTheHolderMovesToAnotherPort_TheWaitingServiceGetsTheAddress()
    {
        await using var cluster = await ScenarioCluster.StartAsync(ScenarioCluster.GuidePools);
        await cluster.StartControllerAsync();
        await cluster.CreateAsync("first", Shared("web", "192.168.35.105", 80));
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("first"));
        await cluster.CreateAsync("second", Shared("web", "192.168.35.105", 80));
        await cluster.EventAsync("second", ServiceEventReasons.AllocationFailed);

        await cluster.PatchAsync("first", """{"spec":{"ports":[{"port":8080,"protocol":"TCP"}]}}""");
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("second"));
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("first"));
    }

    [Fact]
    public async Task DifferentKeys_CannotShare()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools);

        await cluster.CreateAsync("blue", Shared("blue", "192.168.35.105", 80));
        Assert.Equal(["192.168.35.105"], await cluster.IngressAsync("blue"));
        await cluster.CreateAsync("green", Shared("green", "192.168.35.105", 443));
        await cluster.CreateAsync("unkeyed", s => s.Spec.LoadBalancerIP = "192.168.35.105");

        var green = await cluster.EventAsync("green", ServiceEventReasons.AllocationFailed);
        Assert.Contains("192.168.35.105 is shared by apps/blue under the sharing key \"blue\", not \"green\"", green.Message, StringComparison.Ordinal);
        var unkeyed = await cluster.EventAsync("unkeyed", ServiceEventReasons.AllocationFailed);
        Assert.Contains("192.168.35.105 is in use by apps/blue", unkeyed.Message, StringComparison.Ordinal);
        Assert.Empty(ScenarioCluster.IngressOf(await cluster.GetAsync("green")));
        Assert.Empty(ScenarioCluster.IngressOf(await cluster.GetAsync("unkeyed")));
    }

    [Fact]
    public async Task TheOlderSpellings_ShareWithTheNewOnes()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools);

        await cluster.CreateAsync("new-spelling", Shared("web", "192.168.35.107", 80));
        await cluster.CreateAsync("old-spelling", Shared("web", "192.168.35.107", 443, "metallb.universe.tf/allow-shared-ip"));
        await cluster.CreateAsync("old-collides", Shared("web", "192.168.35.107", 443, "metallb.universe.tf/allow-shared-ip"));

        Assert.Equal(["192.168.35.107"], await cluster.IngressAsync("new-spelling"));
        Assert.Equal(["192.168.35.107"], await cluster.IngressAsync("old-spelling"));
        var failed = await cluster.EventAsync("old-collides", ServiceEventReasons.AllocationFailed);
        Assert.Contains("port 443/TCP on 192.168.35.107 is in use by apps/old-spelling", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutARequestedAddress_AKeyedService_JoinsTheAddressItsKeyAlreadyHolds()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools);

        await cluster.CreateAsync("plain");
        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("plain"));
        await cluster.CreateAsync("dns-tcp", s => s.Metadata.Annotations["metallb.io/allow-shared-ip"] = "dns");
        Assert.Equal(["192.168.35.101"], await cluster.IngressAsync("dns-tcp"));
        await cluster.CreateAsync("dns-udp", s =>
        {
            s.Metadata.Annotations["metallb.io/allow-shared-ip"] = "dns";
            s.Spec.Ports = [new V1ServicePort { Port = 80, Protocol = "UDP" }];
        });

        Assert.Equal(["192.168.35.101"], await cluster.IngressAsync("dns-udp"));
    }
}
