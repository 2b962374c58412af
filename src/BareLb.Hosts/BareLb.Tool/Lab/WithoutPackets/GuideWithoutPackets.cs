using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using BareLb.Tool.Lab.Cluster;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Tool.Lab.WithoutPackets;

/// <summary>
/// The guide in shared/scenario played against a real (in-memory) Kubernetes API server with BareLb's
/// controller, without root: the guide's ConfigMap is applied and its four dashboards are switched to
/// LoadBalancer with kubectl, exactly as the guide does, and <c>kubectl get svc -A</c> shows their
/// EXTERNAL-IPs. Addresses are data only here: no packet leaves this process. <c>barelb lab</c> runs it
/// when it cannot build network namespaces; the tutorial sample runs it too.
/// </summary>
internal static class GuideWithoutPackets
{
    private static readonly string GuideConfig = GuideConfiguration.Yaml("192.168.35.100-192.168.35.110", "IP 대역폭");

    private static readonly (string Namespace, string Name, string ClusterIP, int[] Ports, string LoadBalancerIP)[] Dashboards =
        [.. GuideDashboard.All.Select(static d => (d.Namespace, d.Name, d.ClusterIP, d.Ports.Select(static p => p.Port).ToArray(), d.GuideAddress))];

    /// <summary>Plays the guide; returns the exit code (0).</summary>
    public static async Task<int> RunAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var server = await KubeApiServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
            var kubectl = new KubectlRunner(server.KubeconfigPath, output, error);
            await output.WriteLineAsync($"API server (BareLb.Kube.Testing) at {server.BaseAddress}; kubeconfig {server.KubeconfigPath}").ConfigureAwait(false);
            await output.WriteLineAsync(kubectl.Available ? "Using the real kubectl." : "kubectl is not installed: showing the API's answers instead.").ConfigureAwait(false);

            server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
            foreach (var (ns, name, clusterIP, ports, _) in Dashboards)
            {
                server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
                await client.CoreV1.CreateNamespacedServiceAsync(
                    new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { ClusterIP = clusterIP, Ports = [.. ports.Select(p => new V1ServicePort { Port = p, Protocol = "TCP" })] } },
                    ns,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            // BareLb's controller, wired as the host wires it: pools from the legacy ConfigMap in metallb-system.
            var host = ServiceControllerHost.Create(ApiConnection.Of(client));
            await using (host.ConfigureAwait(false))
            {
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var running = Task.Run(() => host.Controller.RunAsync(stop.Token), CancellationToken.None);
                await ShowGuideAsync(client, kubectl, output, cancellationToken).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await running.ConfigureAwait(false);
                foreach (var stats in host.Allocator.GetStatistics())
                {
                    await output.WriteLineAsync($"pool {stats.Pool} {stats.Family}: {stats.Total} addresses, {stats.InUse} in use, {stats.Available} available").ConfigureAwait(false);
                }

                await output.WriteLineAsync().ConfigureAwait(false);
                await output.WriteLineAsync("Layer 2: which node answers ARP for each address").ConfigureAwait(false);
                ElectionTable.Print(output, [.. host.Allocator.Assignments.Select(a => a[0]).Order()]);
            }
        }

        return 0;
    }

    private static async Task ShowGuideAsync(Kubernetes client, KubectlRunner kubectl, TextWriter output, CancellationToken cancellationToken)
    {
        var configFile = Path.Combine(Path.GetTempPath(), $"metallb_config-{Environment.ProcessId}.yaml");
        await File.WriteAllTextAsync(configFile, GuideConfig, cancellationToken).ConfigureAwait(false);
        try
        {
            await kubectl.ShowAsync(["apply", "-f", configFile], "kubectl apply -f metallb_config.yaml", () => Task.FromResult("configmap/config created (applied through the API)"), async () =>
                await client.CoreV1.CreateNamespacedConfigMapAsync(KubeYaml.Deserialize<V1ConfigMap>(GuideConfig), "metallb-system", cancellationToken: cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(configFile);
        }

        foreach (var (ns, name, _, _, ip) in Dashboards)
        {
            var patch = $$$"""{"spec":{"type":"LoadBalancer","loadBalancerIP":"{{{ip}}}"}}""";
            await kubectl.ShowAsync(["patch", "svc", name, "-n", ns, "-p", patch], $"kubectl edit svc/{name} -n {ns}   # type: LoadBalancer, loadBalancerIP: {ip}", () => Task.FromResult($"service/{name} patched (through the API)"), async () =>
                await client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), name, ns, cancellationToken: cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        await client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = "another-dashboard" }, Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 8080 }] } },
            "kubeflow",
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync("$ kubectl create -f another-dashboard.yaml   # a LoadBalancer with no loadBalancerIP").ConfigureAwait(false);
        await output.WriteLineAsync("service/another-dashboard created").ConfigureAwait(false);

        // Wait until every LoadBalancer shows an address, then show them as the guide does.
        for (var i = 0; i < 500; i++)
        {
            var all = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (all.Items.Where(s => s.Spec.Type == "LoadBalancer").All(s => s.Status?.LoadBalancer?.Ingress is [_, ..]))
            {
                break;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        await kubectl.ShowAsync(["get", "svc", "-A"], "kubectl get svc -A", async () =>
        {
            var all = await client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return string.Join(Environment.NewLine, all.Items.Select(s => $"{s.Metadata.NamespaceProperty,-15}{s.Metadata.Name,-31}{s.Spec.Type,-14}{s.Spec.ClusterIP,-16}{(s.Status?.LoadBalancer?.Ingress is [{ Ip: { } ip }, ..] ? ip : "<none>")}"));
        }).ConfigureAwait(false);
    }
}
