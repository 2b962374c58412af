using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>The guide's Service half against the in-memory API server, driven with the real kubectl.</summary>
public sealed class ServiceControllerTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static readonly (string Namespace, string Name, string ClusterIP, int[] Ports)[] Dashboards =
    [
        ("istio-system", "istio-ingressgateway", "10.103.72.5", [15021, 80, 443, 31400, 15443]),
        ("kubeflow", "minio-service", "10.109.209.87", [9000]),
        ("mlflow-system", "mlflow-server-service", "10.111.173.209", [5000]),
        ("seldon-system", "seldon-core-analytics-grafana", "10.109.20.161", [80]),
    ];

    private KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private readonly List<(CancellationTokenSource Stop, Task Run, ServiceControllerHost Parts)> _running = [];

    public async ValueTask InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.KubeconfigPath));
        foreach (var (ns, name, clusterIP, ports) in Dashboards)
        {
            _server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
            await _client.CoreV1.CreateNamespacedServiceAsync(
                new V1Service
                {
                    Metadata = new V1ObjectMeta { Name = name },
                    Spec = new V1ServiceSpec { ClusterIP = clusterIP, Ports = [.. ports.Select(p => new V1ServicePort { Port = p, Protocol = "TCP" })] },
                },
                ns,
                cancellationToken: Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in _running)
        {
            await StopAsync(running);
        }

        _client.Dispose();
        await _server.DisposeAsync();
    }

    private static async Task StopAsync((CancellationTokenSource Stop, Task Run, ServiceControllerHost Parts) running)
    {
        await running.Stop.CancelAsync();
        await running.Run;
        await running.Parts.DisposeAsync();
    }

    private async Task<CountingWriter> StartControllerAsync()
    {
        var writer = new CountingWriter(new KubernetesServiceWriter(ApiConnection.Of(_client), "barelb-controller"));
        var parts = ControllerParts.Build(_client, writer);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => parts.Controller.RunAsync(stop.Token), Ct);
        _running.Add((stop, run, parts));
        await parts.Controller.WaitUntilReadyAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        return writer;
    }

    private async Task<string> ExternalIPAsync(string ns, string name)
    {
        for (var i = 0; i < 300; i++)
        {
            var service = await _client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: Ct);
            if (service.Status?.LoadBalancer?.Ingress is [{ Ip: { } ip }, ..])
            {
                return ip;
            }

            await Task.Delay(20, Ct);
        }

        return "<pending>";
    }

    private async Task WaitForNoIngressAsync(string ns, string name)
    {
        for (var i = 0; i < 300; i++)
        {
            var service = await _client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: Ct);
            if (service.Status?.LoadBalancer?.Ingress is null or [])
            {
                return;
            }

            await Task.Delay(20, Ct);
        }

        Assert.Fail($"{ns}/{name} still has an ingress address");
    }

    [Fact]
    public async Task TheGuide_ServicesSwitchedToLoadBalancer_ShowTheirExternalIPs()
    {
        await StartControllerAsync();
        for (var i = 0; i < Dashboards.Length; i++)
        {
            var (ns, name, _, _) = Dashboards[i];
            await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", name, "-n", ns, "-p", $$$"""{"spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.10{{{i}}}"}}""");
        }

        for (var i = 0; i < Dashboards.Length; i++)
        {
            Assert.Equal($"192.168.35.10{i}", await ExternalIPAsync(Dashboards[i].Namespace, Dashboards[i].Name));
        }

        var table = await Kubectl.SucceedAsync(_server.KubeconfigPath, "get", "svc", "-A");
        Assert.Matches(@"istio-system\s+istio-ingressgateway\s+LoadBalancer\s+10\.103\.72\.5\s+192\.168\.35\.100\s+15021:\d+/TCP,80:\d+/TCP,443:\d+/TCP,31400:\d+/TCP,15443:\d+/TCP", table);
        Assert.Matches(@"kubeflow\s+minio-service\s+LoadBalancer\s+10\.109\.209\.87\s+192\.168\.35\.101\s+9000:\d+/TCP", table);
        Assert.Matches(@"mlflow-system\s+mlflow-server-service\s+LoadBalancer\s+10\.111\.173\.209\s+192\.168\.35\.102\s+5000:\d+/TCP", table);
        Assert.Matches(@"seldon-system\s+seldon-core-analytics-grafana\s+LoadBalancer\s+10\.109\.20\.161\s+192\.168\.35\.103\s+80:\d+/TCP", table);

        // A Service with no loadBalancerIP gets the next free address.
        await _client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "another" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 8080 }] } },
            "kubeflow",
            cancellationToken: Ct);
        Assert.Equal("192.168.35.104", await ExternalIPAsync("kubeflow", "another"));

        var yaml = await Kubectl.SucceedAsync(_server.KubeconfigPath, "get", "svc", "another", "-n", "kubeflow", "-o", "yaml");
        Assert.Contains("metallb.io/ip-allocated-from-pool: default", yaml, StringComparison.Ordinal);
        Assert.Contains("ipMode: VIP", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedRequest_IsExplainedInDescribe_AndSatisfiedOnceTheAddressIsFree()
    {
        await StartControllerAsync();
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "minio-service", "-n", "kubeflow", "-p", """{"spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.101"}}""");
        Assert.Equal("192.168.35.101", await ExternalIPAsync("kubeflow", "minio-service"));
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "mlflow-server-service", "-n", "mlflow-system", "-p", """{"spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.101"}}""");

        string describe = "";
        for (var i = 0; i < 200 && !describe.Contains("AllocationFailed", StringComparison.Ordinal); i++)
        {
            await Task.Delay(20, Ct);
            describe = await Kubectl.SucceedAsync(_server.KubeconfigPath, "describe", "svc", "mlflow-server-service", "-n", "mlflow-system");
        }

        Assert.Contains("192.168.35.101 is in use by kubeflow/minio-service", describe, StringComparison.Ordinal);

        await Kubectl.SucceedAsync(_server.KubeconfigPath, "delete", "svc", "minio-service", "-n", "kubeflow");
        Assert.Equal("192.168.35.101", await ExternalIPAsync("mlflow-system", "mlflow-server-service"));
    }

    [Fact]
    public async Task TypeChangedAwayFromLoadBalancer_ReleasesAndClearsTheStatus()
    {
        await StartControllerAsync();
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "minio-service", "-n", "kubeflow", "-p", """{"spec":{"type":"LoadBalancer"}}""");
        Assert.Equal("192.168.35.100", await ExternalIPAsync("kubeflow", "minio-service"));
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "minio-service", "-n", "kubeflow", "-p", """{"spec":{"type":"ClusterIP"}}""");
        await WaitForNoIngressAsync("kubeflow", "minio-service");
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "mlflow-server-service", "-n", "mlflow-system", "-p", """{"spec":{"type":"LoadBalancer"}}""");
        Assert.Equal("192.168.35.100", await ExternalIPAsync("mlflow-system", "mlflow-server-service"));
    }

    [Fact]
    public async Task ARestart_RestoresEveryAddress_AndWritesNothing()
    {
        await StartControllerAsync();
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "seldon-core-analytics-grafana", "-n", "seldon-system", "-p", """{"spec":{"type":"LoadBalancer"}}""");
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "minio-service", "-n", "kubeflow", "-p", """{"spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.107"}}""");
        Assert.Equal("192.168.35.100", await ExternalIPAsync("seldon-system", "seldon-core-analytics-grafana"));
        Assert.Equal("192.168.35.107", await ExternalIPAsync("kubeflow", "minio-service"));
        await StopAsync(_running[0]);
        _running.Clear();

        // A Service created while the controller is down must not take a restored address.
        await Kubectl.SucceedAsync(_server.KubeconfigPath, "patch", "svc", "istio-ingressgateway", "-n", "istio-system", "-p", """{"spec":{"type":"LoadBalancer"}}""");
        var writer = await StartControllerAsync();
        Assert.Equal("192.168.35.101", await ExternalIPAsync("istio-system", "istio-ingressgateway"));
        Assert.Equal("192.168.35.100", await ExternalIPAsync("seldon-system", "seldon-core-analytics-grafana"));
        Assert.Equal("192.168.35.107", await ExternalIPAsync("kubeflow", "minio-service"));
        await Settling.SettledAsync(_client, _running[^1].Parts);
        Assert.Equal(1, writer.StatusWrites); // only the new Service's
    }
}
