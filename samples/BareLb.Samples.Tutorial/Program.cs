// BareLb's main job, until the speaker joins it: the guide in shared/scenario played against a
// real (in-memory) Kubernetes API server with BareLb's controller. The guide's ConfigMap is
// applied and its four dashboards are switched to LoadBalancer with kubectl, exactly as the
// guide does, and `kubectl get svc -A` shows their EXTERNAL-IPs. Addresses are data only here:
// no packet leaves this process.
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using BareLb.Samples.Tutorial;
using k8s;
using k8s.Models;

const string GuideConfig = """
    apiVersion: v1
    kind: ConfigMap
    metadata:
      namespace: metallb-system
      name: config
    data:
      config: |
        address-pools:
        - name: default
          protocol: layer2
          addresses:
          - 192.168.35.100-192.168.35.110  # IP 대역폭
    """;

var dashboards = new (string Namespace, string Name, string ClusterIP, int[] Ports, string LoadBalancerIP)[]
{
    ("istio-system", "istio-ingressgateway", "10.103.72.5", [15021, 80, 443, 31400, 15443], "192.168.35.100"),
    ("kubeflow", "minio-service", "10.109.209.87", [9000], "192.168.35.101"),
    ("mlflow-system", "mlflow-server-service", "10.111.173.209", [5000], "192.168.35.102"),
    ("seldon-system", "seldon-core-analytics-grafana", "10.109.20.161", [80], "192.168.35.103"),
};

await using var server = await KubeApiServer.StartAsync();
using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
var kubectl = new KubectlRunner(server.KubeconfigPath);
Console.WriteLine($"API server (BareLb.Kube.Testing) at {server.BaseAddress}; kubeconfig {server.KubeconfigPath}");
Console.WriteLine(kubectl.Available ? "Using the real kubectl." : "kubectl is not installed: showing the API's answers instead.");

server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
foreach (var (ns, name, clusterIP, ports, _) in dashboards)
{
    server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
    await client.CoreV1.CreateNamespacedServiceAsync(
        new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { ClusterIP = clusterIP, Ports = [.. ports.Select(p => new V1ServicePort { Port = p, Protocol = "TCP" })] } },
        ns);
}

// BareLb's controller, wired as the host wires it: pools from the legacy ConfigMap in metallb-system.
await using var host = ServiceControllerHost.Create(client);
using var stop = new CancellationTokenSource();
var running = Task.Run(() => host.Controller.RunAsync(stop.Token));

var configFile = Path.Combine(Path.GetTempPath(), $"metallb_config-{Environment.ProcessId}.yaml");
await File.WriteAllTextAsync(configFile, GuideConfig);
try
{
    await kubectl.ShowAsync(["apply", "-f", configFile], $"kubectl apply -f metallb_config.yaml", () => Task.FromResult("configmap/config created (applied through the API)"), async () =>
        await client.CoreV1.CreateNamespacedConfigMapAsync(KubernetesYaml.Deserialize<V1ConfigMap>(GuideConfig), "metallb-system"));
}
finally
{
    File.Delete(configFile);
}

foreach (var (ns, name, _, _, ip) in dashboards)
{
    var patch = $$$"""{"spec":{"type":"LoadBalancer","loadBalancerIP":"{{{ip}}}"}}""";
    await kubectl.ShowAsync(["patch", "svc", name, "-n", ns, "-p", patch], $"kubectl edit svc/{name} -n {ns}   # type: LoadBalancer, loadBalancerIP: {ip}", () => Task.FromResult($"service/{name} patched (through the API)"), async () =>
        await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), name, ns));
}

await client.CoreV1.CreateNamespacedServiceAsync(
    new V1Service { Metadata = new V1ObjectMeta { Name = "another-dashboard" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 8080 }] } },
    "kubeflow");
Console.WriteLine();
Console.WriteLine("$ kubectl create -f another-dashboard.yaml   # a LoadBalancer with no loadBalancerIP");
Console.WriteLine("service/another-dashboard created");

// Wait until every LoadBalancer shows an address, then show them as the guide does.
for (var i = 0; i < 500; i++)
{
    var all = await client.CoreV1.ListServiceForAllNamespacesAsync();
    if (all.Items.Where(s => s.Spec.Type == "LoadBalancer").All(s => s.Status?.LoadBalancer?.Ingress is [_, ..]))
    {
        break;
    }

    await Task.Delay(20);
}

await kubectl.ShowAsync(["get", "svc", "-A"], "kubectl get svc -A", async () =>
{
    var all = await client.CoreV1.ListServiceForAllNamespacesAsync();
    return string.Join(Environment.NewLine, all.Items.Select(s => $"{s.Metadata.NamespaceProperty,-15}{s.Metadata.Name,-31}{s.Spec.Type,-14}{s.Spec.ClusterIP,-16}{(s.Status?.LoadBalancer?.Ingress is [{ Ip: { } ip }, ..] ? ip : "<none>")}"));
});

await stop.CancelAsync();
await running;
foreach (var stats in host.Allocator.GetStatistics())
{
    Console.WriteLine($"pool {stats.Pool} {stats.Family}: {stats.Total} addresses, {stats.InUse} in use, {stats.Available} available");
}

Console.WriteLine();
Console.WriteLine("Layer 2: which node answers ARP for each address");
ElectionTable.Print([.. host.Allocator.Assignments.Select(a => a[0]).Order()]);
return 0;
