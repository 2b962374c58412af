using BareLb.Kube.Tests.Controller.Scenarios;

namespace BareLb.Kube.Tests.Hosts;

/// <summary>barelb-controller --lb-class: the process handles only Services of that loadBalancerClass.</summary>
public sealed class ControllerClassProcessTests
{
    [Fact]
    public async Task WithLbClass_TheProcessHandlesThatClassOnly()
    {
        await using var cluster = await ScenarioCluster.StartAsync(ScenarioCluster.GuidePools);
        await cluster.CreateAsync("classless");
        await cluster.CreateAsync("elsewhere", s => s.Spec.LoadBalancerClass = "example.com/third-lb");
        await cluster.CreateAsync("mine", s => s.Spec.LoadBalancerClass = ClassFilteringTests.OtherClass);

        using var controller = await ControllerProcess.StartAsync(cluster.Server.KubeconfigPath, "class-replica", "--lb-class", ClassFilteringTests.OtherClass);
        await controller.ReadyAsync();

        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("mine"));
        await ClassFilteringTests.AssertUntouchedAsync(cluster, "classless");
        await ClassFilteringTests.AssertUntouchedAsync(cluster, "elsewhere");
    }
}
