using BareLb.Kube.Client;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Controller;

/// <summary>The configuration is read inside the work queue's retry loop, and its backoff starts afresh after each success.</summary>
public sealed class ConfigurationRetryTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    // The event id of "some configuration problems could not be recorded as events; trying again in {Delay}".
    private const int EventsOwed = 205;

    [Fact]
    public async Task AfterAConfigurationReadSucceeds_TheNextFailureBacksOffFromTheBaseDelayAgain()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        foreach (var name in CrdManifests.Names)
        {
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubeYaml.Deserialize<V1CustomResourceDefinition>(CrdManifests.Read(name)!), cancellationToken: Ct);
        }

        await CreatePoolAsync(client, "lab", "198.18.0.0/28", advertised: true);
        await CreatePoolAsync(client, "dark", "198.18.1.0/30", advertised: false); // a warning, recorded as an event

        // The first read's event fails five times: backoff 5, 10, 20, 40, 80 ms, then it is recorded.
        server.Faults.FailNext("create", "events", 500, count: 5);
        using var logs = new ListLoggerFactory();
        await using var host = ServiceControllerHost.Create(ApiConnection.Of(client), new ServiceControllerOptions { Configuration = new() { AbsentResourceRecheck = TimeSpan.FromMilliseconds(200) } }, loggerFactory: logs);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = Task.Run(() => host.Controller.RunAsync(stop.Token), Ct);
        await Eventually.TrueAsync(() => Delays(logs).Count == 5, "five failed reads are retried");
        await Eventually.TrueAsync(async () => await WarnedAboutAsync(client, "dark"), "the warning about pool dark is recorded");
        Assert.Equal([5, 10, 20, 40, 80], Delays(logs).Select(d => (int)d.TotalMilliseconds));

        // A new problem whose event fails once: after the success, the backoff starts again from the base delay.
        server.Faults.FailNext("create", "events", 500, count: 1);
        await CreatePoolAsync(client, "dim", "198.18.2.0/30", advertised: false);
        await Eventually.TrueAsync(() => Delays(logs).Count == 6, "the new failure is retried");
        Assert.Equal(TimeSpan.FromMilliseconds(5), Delays(logs)[5]);
        await Eventually.TrueAsync(async () => await WarnedAboutAsync(client, "dim"), "the warning about pool dim is recorded");

        await stop.CancelAsync();
        await run;
    }

    private static List<TimeSpan> Delays(ListLoggerFactory logs) =>
        [.. logs.Entries.Where(e => e.EventId == EventsOwed).Select(e => (TimeSpan)e.Values["Delay"]!)];

    private static async Task<bool> WarnedAboutAsync(Kubernetes client, string pool) =>
        (await client.CoreV1.ListNamespacedEventAsync(MetalLbApi.DefaultNamespace, cancellationToken: Ct)).Items
            .Any(e => e.InvolvedObject.Name == pool && e.Reason == "ConfigurationWarning");

    private static async Task CreatePoolAsync(Kubernetes client, string name, string addresses, bool advertised)
    {
        var pool = new IPAddressPool { Metadata = new V1ObjectMeta { Name = name }, Spec = new IPAddressPoolSpec { Addresses = [addresses] } };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(pool, MetalLbApi.Group, "v1beta1", MetalLbApi.DefaultNamespace, IPAddressPool.Plural, cancellationToken: Ct);
        if (advertised)
        {
            var l2 = new L2Advertisement { Metadata = new V1ObjectMeta { Name = name }, Spec = new L2AdvertisementSpec { IPAddressPools = [name] } };
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(l2, MetalLbApi.Group, "v1beta1", MetalLbApi.DefaultNamespace, L2Advertisement.Plural, cancellationToken: Ct);
        }
    }
}
