using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>The guide's configuration step: the legacy ConfigMap, applied with kubectl, drives the pools.</summary>
public sealed class ConfigMapConfigurationTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static string GuideConfig => Configuration.Samples.GuideConfigMap;

    private static string WithRange(string range) => GuideConfig.Replace("192.168.35.100-192.168.35.110", range, StringComparison.Ordinal);

    private static async Task<string?> ExternalIPAsync(Kubernetes client, string name, bool expectNone = false)
    {
        for (var i = 0; i < (expectNone ? 25 : 300); i++)
        {
            var service = await client.CoreV1.ReadNamespacedServiceAsync(name, "istio-system", cancellationToken: Ct);
            var ip = service.Status?.LoadBalancer?.Ingress is [{ Ip: { } first }, ..] ? first : null;
            if (expectNone ? ip is not null : ip is not null)
            {
                return ip;
            }

            await Task.Delay(20, Ct);
        }

        return null;
    }

    private static async Task<string> ApplyAsync(KubeApiServer server, string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"barelb-config-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml, Ct);
        try
        {
            return await Kubectl.SucceedAsync(server.KubeconfigPath, "apply", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TheGuidesConfigMap_DrivesThePools_AndABadOneNeverTakesEffect()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"istio-system"}}""");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        await using var parts = ControllerParts.Build(client, new KubernetesServiceWriter(ApiConnection.Of(client), "barelb-controller"), configMap: true);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var run = Task.Run(() => parts.Controller.RunAsync(stop.Token), Ct);

        // Before any configuration: nothing is assigned, and the controller is not ready.
        await client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "istio-ingressgateway" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", LoadBalancerIP = "192.168.35.100", Ports = [new V1ServicePort { Port = 80 }] } },
            "istio-system",
            cancellationToken: Ct);
        Assert.Null(await ExternalIPAsync(client, "istio-ingressgateway", expectNone: true));
        Assert.False(parts.Controller.IsReady);

        Assert.Equal("configmap/config created", (await ApplyAsync(server, GuideConfig)).Trim());
        Assert.Equal("192.168.35.100", await ExternalIPAsync(client, "istio-ingressgateway"));
        Assert.True(parts.Controller.IsReady);

        // An inverted range: refused, explained on the ConfigMap, and the address stays.
        Assert.Equal("configmap/config configured", (await ApplyAsync(server, WithRange("192.168.35.110-192.168.35.100"))).Trim());
        string describe = "";
        for (var i = 0; i < 200 && !describe.Contains("InvalidConfiguration", StringComparison.Ordinal); i++)
        {
            await Task.Delay(20, Ct);
            describe = await Kubectl.SucceedAsync(server.KubeconfigPath, "describe", "configmap", "config", "-n", "metallb-system");
        }

        Assert.Contains("address-pools[0].addresses[0]", describe, StringComparison.Ordinal);
        Assert.Contains("inverted", describe, StringComparison.Ordinal);
        Assert.Equal("192.168.35.100", await ExternalIPAsync(client, "istio-ingressgateway"));
        Assert.Equal("192.168.35.100-192.168.35.110", parts.Controller.Configuration!.Pools!.Pools[0].Ranges[0].ToString());

        // A valid pool that no longer holds the requested address: the Service loses it, and says why.
        await ApplyAsync(server, WithRange("192.168.35.101-192.168.35.110"));
        for (var i = 0; i < 300 && (await client.CoreV1.ReadNamespacedServiceAsync("istio-ingressgateway", "istio-system", cancellationToken: Ct)).Status?.LoadBalancer?.Ingress is [_, ..]; i++)
        {
            await Task.Delay(20, Ct);
        }

        static bool Explains(Corev1Event e) => e.Reason == ServiceEventReasons.AllocationFailed && e.Message.Contains("192.168.35.100 is not in any address pool", StringComparison.Ordinal);
        var events = await client.CoreV1.ListNamespacedEventAsync("istio-system", cancellationToken: Ct);
        for (var i = 0; i < 200 && !events.Items.Any(Explains); i++)
        {
            await Task.Delay(20, Ct);
            events = await client.CoreV1.ListNamespacedEventAsync("istio-system", cancellationToken: Ct);
        }

        Assert.Contains(events.Items, Explains);

        await stop.CancelAsync();
        await run;
    }
}
