using System.Diagnostics;
using System.Globalization;
using System.Net;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;

namespace BareLb.Hosts.Tests.Controller;

/// <summary>The real barelb-controller executable against the in-memory API server: health, readiness, metrics, signals, bad arguments.</summary>
public sealed class ControllerProcessTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheController_BecomesReadyWithTheGuidesConfigMap_AssignsAndExportsMetalLBMetrics_AndStopsOnSigterm()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        await client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80 }] } },
            "metallb-system",
            cancellationToken: Ct);

        using var controller = await ControllerProcess.StartAsync(server.KubeconfigPath, "test-replica");
        var process = controller.Process;
        var http = controller.Http;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", Ct)).StatusCode);
        // Before any configuration: ready (as MetalLB's controller, and as the guide shows it), touching nothing.
        await controller.ReadyAsync("ok (leader; no valid configuration yet: no Service is touched until one exists)");
        Assert.Null((await client.CoreV1.ReadNamespacedServiceAsync("web", "metallb-system", cancellationToken: Ct)).Status?.LoadBalancer?.Ingress);

        await client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "config" },
                Data = new Dictionary<string, string> { ["config"] = "address-pools:\n- name: default\n  protocol: layer2\n  addresses:\n  - 192.168.35.100-192.168.35.110\n" },
            },
            "metallb-system",
            cancellationToken: Ct);

        await controller.ReadyAsync();
        string? ip = null;
        for (var i = 0; i < 300 && ip is null; i++)
        {
            await Task.Delay(20, Ct);
            var web = await client.CoreV1.ReadNamespacedServiceAsync("web", "metallb-system", cancellationToken: Ct);
            ip = web.Status?.LoadBalancer?.Ingress is [{ Ip: { } first }, ..] ? first : null;
        }

        Assert.Equal("192.168.35.100", ip);
        // Counts are published when the reconcile that wrote the status has finished.
        var metrics = "";
        for (var i = 0; i < 200 && !metrics.Contains("addresses_in_use_total{pool=\"default\"} 1", StringComparison.Ordinal); i++)
        {
            await Task.Delay(20, Ct);
            metrics = await http.GetStringAsync("/metrics", Ct);
        }

        Assert.Contains("metallb_allocator_addresses_in_use_total{pool=\"default\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("metallb_allocator_addresses_total{pool=\"default\"} 11", metrics, StringComparison.Ordinal);
        Assert.Contains("metallb_k8s_client_config_loaded_bool 1", metrics, StringComparison.Ordinal);

        var lease = server.Get("coordination.k8s.io/v1", "Lease", "metallb-system", "barelb-controller");
        Assert.Equal("test-replica", lease?["spec"]?["holderIdentity"]?.GetValue<string>());

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, process.ExitCode);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("QUIT")]
    [InlineData("TERM")]
    public async Task StartedWithStopSignalsIgnored_TheControllerStillStopsOnEach_AndExits0(string name)
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        using var controller = await ControllerProcess.StartIgnoringAsync("INT QUIT TERM", server.KubeconfigPath, "ignoring-" + name.ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, (await controller.Http.GetAsync("/healthz", Ct)).StatusCode);

        using (var kill = Process.Start("kill", ["-" + name, controller.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(Ct);
        }

        await controller.Process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(0, controller.Process.ExitCode);
    }

    [Theory]
    [InlineData("--listen", "nonsense", "barelb-controller: --listen nonsense: expected HOST:PORT")]
    [InlineData("--kubeconfig", "/nonexistent/kubeconfig", "barelb-controller: --kubeconfig /nonexistent/kubeconfig: no such file")]
    [InlineData("--frobnicate", "x", "barelb-controller: unknown option '--frobnicate'")]
    [InlineData("--lease-duration", "0.5", "barelb-controller: --lease-duration 0.5: expected a number of seconds from 1 to 3600")]
    public async Task BadArguments_SayWhatIsWrong_AndExitNonZero(string flag, string value, string expected)
    {
        using var controller = ControllerProcess.Launch(flag, value);
        var process = controller.Process;
        var error = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }
}
