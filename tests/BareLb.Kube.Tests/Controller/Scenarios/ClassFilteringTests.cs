namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>spec.loadBalancerClass: a controller handles only its own class (by default, Services with none).</summary>
public sealed class ClassFilteringTests
{
    public const string OtherClass = "example.com/other-lb";

    [Fact]
    public async Task ByDefault_AServiceOfAnotherClass_IsIgnored_NoStatusNoEvents()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools);

        await cluster.CreateAsync("foreign", s => s.Spec.LoadBalancerClass = OtherClass);
        await cluster.CreateAsync("mine");

        // The Service created after the foreign one is handled, so the foreign one was seen and left alone.
        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("mine"));
        await AssertUntouchedAsync(cluster, "foreign");
    }

    [Fact]
    public async Task AControllerForAClass_HandlesThatClass_AndIgnoresClasslessServices()
    {
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(ScenarioCluster.GuidePools, loadBalancerClass: OtherClass);

        await cluster.CreateAsync("classless");
        await cluster.CreateAsync("elsewhere", s => s.Spec.LoadBalancerClass = "example.com/third-lb");
        await cluster.CreateAsync("mine", s => s.Spec.LoadBalancerClass = OtherClass);

        Assert.Equal(["192.168.35.100"], await cluster.IngressAsync("mine"));
        await AssertUntouchedAsync(cluster, "classless");
        await AssertUntouchedAsync(cluster, "elsewhere");
    }

    /// <summary>Once the controller has settled: no address, no pool annotation, no event.</summary>
    internal static async Task AssertUntouchedAsync(ScenarioCluster cluster, string name)
    {
        await cluster.SettledAsync();
        var service = await cluster.GetAsync(name);
        Assert.Empty(ScenarioCluster.IngressOf(service));
        Assert.Null(ScenarioCluster.PoolOf(service));
        Assert.Empty(await cluster.EventsAsync(name));
    }
}
