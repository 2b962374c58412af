using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>Under conflicts, server errors, cut watches and 410s the controller converges, and no address is held twice.</summary>
public sealed class FaultConvergenceTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnderInjectedFaults_EveryServiceConverges_WithDistinctAddresses()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        await using var parts = ControllerParts.Build(client, new KubernetesServiceWriter(ApiConnection.Of(client), "barelb-controller"));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = Task.Run(() => parts.Controller.RunAsync(stop.Token), Ct);
        await parts.Controller.WaitUntilReadyAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        server.Faults.FailNext("update", "services/status", 409, count: 3);
        server.Faults.FailNext("update", "services/status", 500, count: 3);
        server.Faults.FailNext("create", "events", 429, count: 2);
        for (var i = 0; i < 10; i++)
        {
            await Create(client, $"svc-{i}");
            if (i == 3)
            {
                server.Faults.CutWatches();
            }

            if (i == 6)
            {
                server.Faults.FailNext("watch", "services", 500, count: 2);
                server.Faults.CompactHistory();
                server.Faults.CutWatches();
            }
        }

        await client.CoreV1.DeleteNamespacedServiceAsync("svc-2", "apps", cancellationToken: Ct);
        await Create(client, "late");

        Dictionary<string, string> shown = [];
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var list = await client.CoreV1.ListNamespacedServiceAsync("apps", cancellationToken: Ct);
            shown = list.Items
                .Where(s => s.Status?.LoadBalancer?.Ingress is [_, ..])
                .ToDictionary(s => s.Metadata.Name, s => s.Status.LoadBalancer.Ingress[0].Ip);
            if (shown.Count == 10)
            {
                break;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Equal(10, shown.Count);
        Assert.DoesNotContain("svc-2", shown.Keys);
        Assert.Equal(shown.Count, shown.Values.Distinct().Count());
        Assert.All(shown.Values, ip => Assert.StartsWith("192.168.35.", ip, StringComparison.Ordinal));

        // Events lost to the injected 429s are recorded again by the retries, which may still be backing off when the
        // last status shows: wait for them.
        HashSet<string> explained = [];
        for (var attempt = 0; attempt < 300 && !explained.IsSupersetOf(shown.Keys); attempt++)
        {
            var events = await client.CoreV1.ListNamespacedEventAsync("apps", cancellationToken: Ct);
            explained = events.Items.Where(e => e.Reason == ServiceEventReasons.IPAllocated).Select(e => e.InvolvedObject.Name).ToHashSet();
            if (!explained.IsSupersetOf(shown.Keys))
            {
                await Task.Delay(50, Ct);
            }
        }

        Assert.Superset(shown.Keys.ToHashSet(), explained);

        await stop.CancelAsync();
        await run;
    }

    private static Task Create(Kubernetes client, string name) =>
        client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80 }] } },
            "apps",
            cancellationToken: Ct);
}
