using BareLb.Hosts.Tests.Support;

namespace BareLb.Hosts.Tests.Controller;

/// <summary>barelb-controller --lb-class: the process handles only Services of that loadBalancerClass.</summary>
public sealed class ControllerClassProcessTests
{
    private const string OtherClass = "example.com/other-lb";

    [Fact]
    public async Task WithLbClass_TheProcessHandlesThatClassOnly()
    {
        await using var cluster = await HostCluster.StartAsync();
        await cluster.CreateAsync("classless");
        await cluster.CreateAsync("elsewhere", s => s.Spec.LoadBalancerClass = "example.com/third-lb");
        await cluster.CreateAsync("mine", s => s.Spec.LoadBalancerClass = OtherClass);

        using var controller = await ControllerProcess.StartAsync(cluster.Server.KubeconfigPath, "class-replica", "--lb-class", OtherClass);
        await controller.ReadyAsync();

        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("mine"));
        // Created before "mine", which is handled, so they were seen and left alone.
        var services = await cluster.ServicesAsync();
        Assert.Empty(HostCluster.IngressOf(services["classless"]));
        Assert.Empty(HostCluster.IngressOf(services["elsewhere"]));
    }
}
