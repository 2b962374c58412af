using System.Text.RegularExpressions;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Kube.Testing.Tests.Kubectl;

/// <summary>The MetalLB guide in ../shared/scenario, step by step, with the real kubectl.</summary>
public sealed class GuideTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string MetallbConfig => Guide.MetalLbConfigYaml;

    private const string IstioIngressGateway = """
        {
          "apiVersion": "v1", "kind": "Service",
          "metadata": { "name": "istio-ingressgateway", "namespace": "istio-system", "labels": { "app": "istio-ingressgateway", "istio": "ingressgateway" } },
          "spec": {
            "clusterIP": "10.103.72.5",
            "selector": { "app": "istio-ingressgateway", "istio": "ingressgateway" },
            "ports": [
              { "name": "status-port", "port": 15021, "protocol": "TCP", "targetPort": 15021 },
              { "name": "http2", "port": 80, "protocol": "TCP", "targetPort": 8080 },
              { "name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443 },
              { "name": "tcp", "port": 31400, "protocol": "TCP", "targetPort": 31400 },
              { "name": "tls", "port": 15443, "protocol": "TCP", "targetPort": 15443 }
            ]
          }
        }
        """;

    private static void SeedNamespace(KubeApiServer server, string name) =>
        server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""");

    private static async Task<string> EditorScriptAsync(KubeApiServer server, string sedExpression)
    {
        var path = Path.Combine(Path.GetDirectoryName(server.KubeconfigPath)!, "editor.sh");
        await File.WriteAllTextAsync(path, $"#!/bin/sh\nsed -i -e '{sedExpression}' \"$1\"\n", Ct);
        return $"sh {path}";
    }

    /// <summary>What the BareLb controller will do: publish the requested address in the Service's status.</summary>
    private static async Task AnnounceAsync(ApiServerScope scope, string ns, string name, string ip) =>
        await scope.Client.CoreV1.PatchNamespacedServiceStatusAsync(
            new V1Patch("""{"status":{"loadBalancer":{"ingress":[{"ip":"IP","ipMode":"VIP"}]}}}""".Replace("IP", ip, StringComparison.Ordinal), V1Patch.PatchType.MergePatch), name, ns, cancellationToken: Ct);

    [Fact]
    public async Task Apply_MetallbConfig_PrintsConfigmapConfigCreated()
    {
        await using var scope = await ApiServerScope.StartAsync();
        SeedNamespace(scope.Server, "metallb-system");
        var file = Path.Combine(Path.GetDirectoryName(scope.Server.KubeconfigPath)!, "metallb_config.yaml");
        await File.WriteAllTextAsync(file, MetallbConfig, Ct);

        var result = (await KubectlRunner.RunAsync(scope.Server, "apply", "-f", file)).Succeeded();

        Assert.Equal("configmap/config created\n", result.Stdout);
        var stored = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("config", "metallb-system", cancellationToken: Ct);
        Assert.Contains("192.168.35.100-192.168.35.110", stored.Data["config"], StringComparison.Ordinal);
        Assert.True(stored.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));

        var again = (await KubectlRunner.RunAsync(scope.Server, "apply", "-f", file)).Succeeded();
        Assert.Equal("configmap/config unchanged\n", again.Stdout);
    }

    [Fact]
    public async Task StrictArp_GetSedApply_ConfiguresKubeProxyWithTheGuidesWarning()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kube-proxy","namespace":"kube-system"},
             "data":{"config.conf":"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nipvs:\n  strictARP: false\nkind: KubeProxyConfiguration\nmode: ipvs\n"}}
            """);

        var yaml = (await KubectlRunner.RunAsync(scope.Server, "get", "configmap", "kube-proxy", "-n", "kube-system", "-o", "yaml")).Succeeded().Stdout;
        Assert.Contains("strictARP: false", yaml, StringComparison.Ordinal);
        var applied = (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-", "-n", "kube-system"],
            yaml.Replace("strictARP: false", "strictARP: true", StringComparison.Ordinal))).Succeeded();

        Assert.Equal("configmap/kube-proxy configured\n", applied.Stdout);
        Assert.Contains("Warning: resource configmaps/kube-proxy is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply.", applied.Stderr, StringComparison.Ordinal);
        var stored = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("kube-proxy", "kube-system", cancellationToken: Ct);
        Assert.Contains("strictARP: true", stored.Data["config.conf"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task IstioIngressGateway_EditedToLoadBalancer_ShowsTheGuidesColumns()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2022, 1, 5, 4, 0, 0, TimeSpan.Zero));
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { TimeProvider = clock });
        SeedNamespace(scope.Server, "istio-system");
        scope.Server.Seed(IstioIngressGateway);
        clock.Advance(new TimeSpan(4, 21, 0));

        var before = (await KubectlRunner.RunAsync(scope.Server, "get", "svc/istio-ingressgateway", "-n", "istio-system")).Succeeded();
        Assert.Equal(
            """
            NAME                   TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                                        AGE
            istio-ingressgateway   ClusterIP   10.103.72.5   <none>        15021/TCP,80/TCP,443/TCP,31400/TCP,15443/TCP   4h21m

            """.ReplaceLineEndings("\n"), before.Stdout);

        var editor = await EditorScriptAsync(scope.Server, "s/^  type: ClusterIP/  type: LoadBalancer\\n  loadBalancerIP: 192.168.35.100/");
        var edited = (await KubectlRunner.RunAsync(scope.Server, ["edit", "svc/istio-ingressgateway", "-n", "istio-system"], null,
            new Dictionary<string, string> { ["EDITOR"] = editor })).Succeeded();
        Assert.Equal("service/istio-ingressgateway edited\n", edited.Stdout);
        await AnnounceAsync(scope, "istio-system", "istio-ingressgateway", "192.168.35.100");
        clock.Advance(new TimeSpan(0, 40, 0));

        var after = (await KubectlRunner.RunAsync(scope.Server, "get", "svc/istio-ingressgateway", "-n", "istio-system")).Succeeded();
        var lines = after.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("NAME                   TYPE           CLUSTER-IP    EXTERNAL-IP      PORT(S)                                                                      AGE", lines[0]);
        Assert.Matches(new Regex(@"^istio-ingressgateway   LoadBalancer   10\.103\.72\.5   192\.168\.35\.100   15021:3\d{4}/TCP,80:3\d{4}/TCP,443:3\d{4}/TCP,31400:3\d{4}/TCP,15443:3\d{4}/TCP   5h1m$"), lines[1]);
    }

    [Fact]
    public async Task MinioService_AppliedThenEdited_ShowsYamlAndTheGuidesColumns()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2022, 1, 5, 8, 44, 23, TimeSpan.Zero));
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { TimeProvider = clock });
        SeedNamespace(scope.Server, "kubeflow");
        var (_, _, _) = await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], """
            apiVersion: v1
            kind: Service
            metadata:
              name: minio-service
              namespace: kubeflow
              labels:
                application-crd-id: kubeflow-pipelines
            spec:
              clusterIP: 10.109.209.87
              ports:
              - name: http
                port: 9000
                protocol: TCP
                targetPort: 9000
              selector:
                app: minio
                application-crd-id: kubeflow-pipelines
            """);
        clock.Advance(new TimeSpan(5, 14, 0));

        var yaml = (await KubectlRunner.RunAsync(scope.Server, "get", "svc/minio-service", "-n", "kubeflow", "-o", "yaml")).Succeeded().Stdout;
        foreach (var expected in (string[])[
            "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"annotations\":{},\"labels\":{\"application-crd-id\":\"kubeflow-pipelines\"},\"name\":\"minio-service\"",
            "  creationTimestamp: \"2022-01-05T08:44:23Z\"\n  labels:\n    application-crd-id: kubeflow-pipelines\n  name: minio-service\n  namespace: kubeflow\n  resourceVersion: \"",
            "spec:\n  clusterIP: 10.109.209.87\n  clusterIPs:\n  - 10.109.209.87\n  internalTrafficPolicy: Cluster\n  ipFamilies:\n  - IPv4\n  ipFamilyPolicy: SingleStack\n  ports:\n  - name: http\n    port: 9000\n    protocol: TCP\n    targetPort: 9000\n",
            "  sessionAffinity: None\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n"])
        {
            Assert.Contains(expected, yaml, StringComparison.Ordinal);
        }

        Assert.Equal(
            "NAME            TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)    AGE\nminio-service   ClusterIP   10.109.209.87   <none>        9000/TCP   5h14m\n",
            (await KubectlRunner.RunAsync(scope.Server, "get", "svc/minio-service", "-n", "kubeflow")).Succeeded().Stdout);

        var editor = Path.Combine(Path.GetDirectoryName(scope.Server.KubeconfigPath)!, "editor.py");
        await File.WriteAllTextAsync(editor, """
            import sys
            path = sys.argv[1]
            text = open(path).read().replace("  type: ClusterIP", "  type: LoadBalancer\n  loadBalancerIP: 192.168.35.101")
            open(path, "w").write(text)
            """, Ct);
        (await KubectlRunner.RunAsync(scope.Server, ["edit", "svc/minio-service", "-n", "kubeflow"], null,
            new Dictionary<string, string> { ["EDITOR"] = $"python3 {editor}" })).Succeeded();
        await AnnounceAsync(scope, "kubeflow", "minio-service", "192.168.35.101");
        clock.Advance(new TimeSpan(0, 7, 0));

        var after = (await KubectlRunner.RunAsync(scope.Server, "get", "svc/minio-service", "-n", "kubeflow")).Succeeded().Stdout;
        Assert.Matches(new Regex(@"^NAME            TYPE           CLUSTER-IP      EXTERNAL-IP      PORT\(S\)          AGE\nminio-service   LoadBalancer   10\.109\.209\.87   192\.168\.35\.101   9000:3\d{4}/TCP   5h21m\n$"), after);
    }

    [Fact]
    public async Task GetSvcAllNamespaces_PrintsNamespaceAndPendingAddresses()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2022, 1, 7, 4, 0, 19, TimeSpan.Zero));
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { TimeProvider = clock });
        SeedNamespace(scope.Server, "mlflow-system");
        SeedNamespace(scope.Server, "seldon-system");
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"mlflow-server-service","namespace":"mlflow-system"},"spec":{"clusterIP":"10.111.173.209","type":"LoadBalancer","loadBalancerIP":"192.168.35.102","ports":[{"port":5000,"nodePort":32287}]}}""");
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"seldon-core-analytics-grafana","namespace":"seldon-system"},"spec":{"clusterIP":"10.109.20.161","ports":[{"port":80}]}}""");
        clock.Advance(TimeSpan.FromSeconds(94));

        var result = (await KubectlRunner.RunAsync(scope.Server, "get", "svc", "-A")).Succeeded().Stdout;

        Assert.Equal(
            """
            NAMESPACE       NAME                            TYPE           CLUSTER-IP       EXTERNAL-IP   PORT(S)          AGE
            default         kubernetes                      ClusterIP      10.96.0.1        <none>        443/TCP          94s
            mlflow-system   mlflow-server-service           LoadBalancer   10.111.173.209   <pending>     5000:32287/TCP   94s
            seldon-system   seldon-core-analytics-grafana   ClusterIP      10.109.20.161    <none>        80/TCP           94s

            """.ReplaceLineEndings("\n"), result);
    }
}
