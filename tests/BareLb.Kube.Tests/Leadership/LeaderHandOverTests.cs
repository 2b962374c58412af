using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Leadership;
using BareLb.Kube.Testing;
using BareLb.Kube.Tests.Controller;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Leadership;

/// <summary>Two controller replicas over one Lease: only the leader acts; the other takes over without moving any address.</summary>
public sealed class LeaderHandOverTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static LeaderElectionOptions Options(string identity) => new()
    {
        Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromMilliseconds(1500),
        RetryPeriod = TimeSpan.FromMilliseconds(100),
    };

    private static Func<CancellationToken, Task> ControllerWork(Kubernetes client, IServiceWriter writer) => async term =>
    {
        await using var parts = ControllerParts.Build(client, writer);
        try
        {
            await parts.Controller.RunAsync(term);
        }
        catch (OperationCanceledException)
        {
            // The term ended.
        }
    };

    private static async Task<string?> ExternalIPAsync(Kubernetes client, string ns, string name)
    {
        for (var i = 0; i < 300; i++)
        {
            var service = await client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: Ct);
            if (service.Status?.LoadBalancer?.Ingress is [{ Ip: { } ip }, ..])
            {
                return ip;
            }

            await Task.Delay(20, Ct);
        }

        return null;
    }

    private static Task CreateAsync(Kubernetes client, string name, string? ip = null) =>
        client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { Type = "LoadBalancer", LoadBalancerIP = ip, Ports = [new V1ServicePort { Port = 80 }] } },
            "metallb-system",
            cancellationToken: Ct);

    [Fact]
    public async Task OnlyTheLeaderActs_AndTheFollowerTakesOverWithoutMovingAddresses()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        using var clientA = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        using var clientB = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        var writerA = new CountingWriter(new KubernetesServiceWriter(ApiConnection.Of(clientA), "barelb-controller"));
        var writerB = new CountingWriter(new KubernetesServiceWriter(ApiConnection.Of(clientB), "barelb-controller"));
        var a = new LeaderElectedRunner(ApiConnection.Of(clientA), Options("controller-a"));
        var b = new LeaderElectedRunner(ApiConnection.Of(clientB), Options("controller-b"));
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var runA = a.RunAsync(ControllerWork(clientA, writerA), stopA.Token);
        for (var i = 0; i < 200 && !a.IsLeader; i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(a.IsLeader);
        var runB = b.RunAsync(ControllerWork(clientB, writerB), stopB.Token);
        await CreateAsync(clientA, "first");
        await CreateAsync(clientA, "pinned", "192.168.35.105");
        Assert.Equal("192.168.35.100", await ExternalIPAsync(clientA, "metallb-system", "first"));
        Assert.Equal("192.168.35.105", await ExternalIPAsync(clientA, "metallb-system", "pinned"));
        Assert.False(b.IsLeader);
        Assert.Equal(0, writerB.StatusWrites + writerB.AnnotationWrites + writerB.EventCount);

        await stopA.CancelAsync();
        await runA;
        for (var i = 0; i < 400 && !b.IsLeader; i++)
        {
            await Task.Delay(20, Ct);
        }

        Assert.True(b.IsLeader);
        await CreateAsync(clientB, "second");
        Assert.Equal("192.168.35.101", await ExternalIPAsync(clientB, "metallb-system", "second"));
        Assert.Equal("192.168.35.100", await ExternalIPAsync(clientB, "metallb-system", "first"));
        Assert.Equal("192.168.35.105", await ExternalIPAsync(clientB, "metallb-system", "pinned"));
        Assert.Equal(1, writerB.StatusWrites); // only the new Service: the restored ones were left alone

        await stopB.CancelAsync();
        await runB;
    }

    [Fact]
    public void InvalidOptions_AreRefusedAtStart()
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var error = Assert.Throws<ArgumentException>(() => new LeaderElectedRunner(ApiConnection.Of(client), new LeaderElectionOptions { Identity = "x", LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(10) }));
        Assert.Contains("LeaseDuration", error.Message, StringComparison.Ordinal);
    }
}
