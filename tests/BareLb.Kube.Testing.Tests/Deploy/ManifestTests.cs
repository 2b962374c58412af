using BareLb.Kube.Testing.Tests.Support;
using k8s;

namespace BareLb.Kube.Testing.Tests.Deploy;

/// <summary>deploy/: the generated files are current, every overlay renders, and kubectl applies each to the API emulator.</summary>
public sealed class ManifestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Overlays = ["base", "overlays/prometheus", "overlays/lb-class"];

    /// <summary>Just enough of the Prometheus Operator's CRDs for its objects to be stored.</summary>
    private const string MonitoringCrds = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: podmonitors.monitoring.coreos.com
        spec:
          group: monitoring.coreos.com
          scope: Namespaced
          names: {plural: podmonitors, singular: podmonitor, kind: PodMonitor, listKind: PodMonitorList, shortNames: [pmon]}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: prometheusrules.monitoring.coreos.com
        spec:
          group: monitoring.coreos.com
          scope: Namespaced
          names: {plural: prometheusrules, singular: prometheusrule, kind: PrometheusRule, listKind: PrometheusRuleList, shortNames: [promrule]}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """;

    [Fact]
    public async Task GeneratedFiles_AreUpToDate_WithTheirSources()
    {
        var output = Directory.CreateTempSubdirectory("barelb-render-").FullName;
        try
        {
            var (code, log) = await DeployFiles.RunAsync("/bin/sh", DeployFiles.Deploy, Path.Combine(DeployFiles.Deploy, "render.sh"), output);
            Assert.True(code == 0, log);

            foreach (var file in (string[])["namespace.yaml", "barelb.yaml", "overlays/prometheus/prometheusrule.yaml"])
            {
                Assert.True(
                    await File.ReadAllTextAsync(Path.Combine(output, file), Ct) == await File.ReadAllTextAsync(Path.Combine(DeployFiles.Deploy, file), Ct),
                    $"deploy/{file} is out of date: run deploy/render.sh");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Theory]
    [InlineData("base", 24)]
    [InlineData("overlays/prometheus", 27)]
    [InlineData("overlays/lb-class", 24)]
    public async Task KubectlKustomize_RendersTheOverlay(string overlay, int objects)
    {
        var (code, yaml) = await DeployFiles.RunAsync(KubectlRunner.Path, DeployFiles.Deploy, "kustomize", overlay);

        Assert.True(code == 0, yaml);
        Assert.Equal(objects, yaml.Split('\n').Count(l => l.StartsWith("kind: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ApplyF_NamespaceThenBareLb_CreatesEveryObject_AndAgainChangesNothing()
    {
        await using var scope = await ApiServerScope.StartAsync();

        var ns = (await KubectlRunner.RunAsync(scope.Server, "apply", "-f", Path.Combine(DeployFiles.Deploy, "namespace.yaml"))).Succeeded();
        var first = (await KubectlRunner.RunAsync(scope.Server, "apply", "-f", Path.Combine(DeployFiles.Deploy, "barelb.yaml"))).Succeeded();
        var second = (await KubectlRunner.RunAsync(scope.Server, "apply", "-f", Path.Combine(DeployFiles.Deploy, "barelb.yaml"))).Succeeded();

        Assert.Equal("namespace/metallb-system created\n", ns.Stdout);
        Assert.Equal(23, first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" created", StringComparison.Ordinal)));
        Assert.Contains("namespace/metallb-system unchanged\n", first.Stdout, StringComparison.Ordinal);
        // kubectl always re-sends a PodDisruptionBudget's selector (its patch strategy is "replace"), as against a real cluster.
        Assert.All(second.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line =>
            Assert.True(line.EndsWith(" unchanged", StringComparison.Ordinal) || line == "poddisruptionbudget.policy/controller configured", line));

        var deployment = await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("controller", "metallb-system", cancellationToken: Ct);
        var daemonSet = await scope.Client.AppsV1.ReadNamespacedDaemonSetAsync("speaker", "metallb-system", cancellationToken: Ct);
        var budget = await scope.Client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("controller", "metallb-system", cancellationToken: Ct);
        var nsObject = await scope.Client.CoreV1.ReadNamespaceAsync("metallb-system", cancellationToken: Ct);
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal(1, deployment.Metadata.Generation);
        Assert.True(daemonSet.Spec.Template.Spec.HostNetwork);
        Assert.Equal(["NET_RAW"], daemonSet.Spec.Template.Spec.Containers[0].SecurityContext.Capabilities.Add);
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
        Assert.Equal("privileged", nsObject.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        Assert.Equal(8, scope.Server.List("apiextensions.k8s.io/v1", "CustomResourceDefinition").Count);
        var kubeProxyRead = await scope.Client.RbacAuthorizationV1.ReadNamespacedRoleAsync("metallb-system:speaker-kube-proxy", "kube-system", cancellationToken: Ct);
        Assert.Equal(["kube-proxy"], Assert.Single(kubeProxyRead.Rules).ResourceNames);
    }

    [Fact]
    public async Task ApplyK_EveryOverlay_ClientAndServerSide()
    {
        await using var scope = await ApiServerScope.StartAsync();
        (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], MonitoringCrds)).Succeeded();

        foreach (var overlay in Overlays)
        {
            (await KubectlRunner.RunAsync(scope.Server, "apply", "-k", Path.Combine(DeployFiles.Deploy, overlay))).Succeeded();
            (await KubectlRunner.RunAsync(scope.Server, "apply", "--server-side", "-k", Path.Combine(DeployFiles.Deploy, overlay))).Succeeded();
        }

        var rule = (await KubectlRunner.RunAsync(scope.Server, "get", "prometheusrule", "barelb", "-n", "metallb-system", "-o", "jsonpath={.spec.groups[0].rules[*].alert}")).Succeeded();
        var monitors = (await KubectlRunner.RunAsync(scope.Server, "get", "podmonitors", "-n", "metallb-system", "-o", "name")).Succeeded();
        var args = (await KubectlRunner.RunAsync(scope.Server, "get", "daemonset", "speaker", "-n", "metallb-system", "-o", "jsonpath={.spec.template.spec.containers[0].args}")).Succeeded();
        Assert.Contains("BareLbSpeakerDown", rule.Stdout, StringComparison.Ordinal);
        Assert.Equal("podmonitor.monitoring.coreos.com/barelb-controller\npodmonitor.monitoring.coreos.com/barelb-speaker\n", monitors.Stdout);
        Assert.Equal("""["--port=7472","--log-level=info","--lb-class=barelb.io/lb"]""", args.Stdout);
    }
}
