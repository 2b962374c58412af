using BareLb.Kube.Testing.Tests.Client;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Kubectl;

/// <summary>kubectl verbs beyond the guide's: patch, label, annotate, delete, describe, custom resources.</summary>
public sealed class VerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Web = """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80}]}}""";

    [Fact]
    public async Task Patch_StrategicMerge_ChangesTypeAndMergesPorts()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(Web);

        var patched = (await KubectlRunner.RunAsync(scope.Server, "patch", "svc", "web", "-p",
            """{"spec":{"type":"LoadBalancer","ports":[{"port":443,"name":"https"}]}}""")).Succeeded();
        var unchanged = (await KubectlRunner.RunAsync(scope.Server, "patch", "svc", "web", "-p", """{"spec":{"type":"LoadBalancer"}}""")).Succeeded();
        var row = (await KubectlRunner.RunAsync(scope.Server, "get", "svc", "web", "--no-headers")).Succeeded();

        Assert.Equal("service/web patched\n", patched.Stdout);
        Assert.Equal("service/web patched (no change)\n", unchanged.Stdout);
        Assert.Matches(@"^web\s+LoadBalancer\s+10\.\d+\.\d+\.\d+\s+<pending>\s+80:3\d{4}/TCP,443:3\d{4}/TCP\s+\d+s\n$", row.Stdout);
    }

    [Fact]
    public async Task Patch_JsonAndMergeTypes_Work()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(Web);

        (await KubectlRunner.RunAsync(scope.Server, "patch", "svc", "web", "--type=json", "-p", """[{"op":"add","path":"/spec/externalIPs","value":["198.18.0.10"]}]""")).Succeeded();
        (await KubectlRunner.RunAsync(scope.Server, "patch", "svc", "web", "--type=merge", "-p", """{"spec":{"sessionAffinity":"ClientIP"}}""")).Succeeded();
        var svc = await scope.Client.CoreV1.ReadNamespacedServiceAsync("web", "default", cancellationToken: Ct);

        Assert.Equal(["198.18.0.10"], svc.Spec.ExternalIPs);
        Assert.Equal("ClientIP", svc.Spec.SessionAffinity);
        var ip = (await KubectlRunner.RunAsync(scope.Server, "get", "svc", "web", "-o", "jsonpath={.spec.externalIPs[0]}")).Succeeded();
        Assert.Equal("198.18.0.10", ip.Stdout);
    }

    [Fact]
    public async Task LabelAnnotateShowLabelsAndSelector()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(Web);

        Assert.Equal("service/web labeled\n", (await KubectlRunner.RunAsync(scope.Server, "label", "svc", "web", "team=net")).Succeeded().Stdout);
        Assert.Equal("service/web annotated\n", (await KubectlRunner.RunAsync(scope.Server, "annotate", "svc", "web", "metallb.universe.tf/address-pool=default")).Succeeded().Stdout);
        Assert.Equal("service/web unlabeled\n", (await KubectlRunner.RunAsync(scope.Server, "label", "svc", "web", "team-")).Succeeded().Stdout);
        (await KubectlRunner.RunAsync(scope.Server, "label", "svc", "web", "tier=edge")).Succeeded();

        var svc = await scope.Client.CoreV1.ReadNamespacedServiceAsync("web", "default", cancellationToken: Ct);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "edge" }, svc.Metadata.Labels);
        Assert.Equal("default", svc.Metadata.Annotations["metallb.universe.tf/address-pool"]);
        var selected = (await KubectlRunner.RunAsync(scope.Server, "get", "svc", "-l", "tier=edge", "-o", "name")).Succeeded();
        Assert.Equal("service/web\n", selected.Stdout);
    }

    [Fact]
    public async Task Delete_PrintsDeleted_AndGetThenReportsNotFound()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(Web);

        var deleted = (await KubectlRunner.RunAsync(scope.Server, "delete", "svc", "web")).Succeeded();
        var missing = await KubectlRunner.RunAsync(scope.Server, "get", "svc", "web");

        Assert.Equal("service \"web\" deleted\n", deleted.Stdout);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Equal("Error from server (NotFound): services \"web\" not found\n", missing.Stderr);
    }

    [Fact]
    public async Task DescribeSvc_ShowsTheServiceAndItsEvents()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = scope.Server.Seed("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.120","selector":{"app":"web"},"ports":[{"name":"http","port":80}]}}""")[0];
        var now = DateTime.UtcNow;
        await scope.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "web." },
            InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Service", Name = "web", NamespaceProperty = "default", Uid = svc["metadata"]!["uid"]!.GetValue<string>() },
            Type = "Warning",
            Reason = "AllocationFailed",
            Message = "Failed to allocate IP for \"default/web\": 192.168.35.120 is not allowed in config",
            Source = new V1EventSource { Component = "barelb-controller" },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        }, "default", cancellationToken: Ct);

        var described = (await KubectlRunner.RunAsync(scope.Server, "describe", "svc", "web")).Succeeded().Stdout;

        Assert.Contains("Name:                     web\n", described, StringComparison.Ordinal);
        Assert.Contains("Type:                     LoadBalancer\n", described, StringComparison.Ordinal);
        Assert.Contains("Desired LoadBalancer IP:  192.168.35.120\n", described, StringComparison.Ordinal);
        Assert.Matches(@"Events:\n  Type     Reason            Age\s+From\s+Message\n  ----     ------            ----\s+----\s+-------\n  Warning  AllocationFailed  \d+s\s+barelb-controller  Failed to allocate IP for ""default/web"": 192\.168\.35\.120 is not allowed in config\n", described);
    }

    [Fact]
    public async Task GetEvents_FieldSelectorAndColumns()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Event","metadata":{"name":"e1","namespace":"default"},"involvedObject":{"kind":"Service","name":"web","namespace":"default"},"type":"Normal","reason":"IPAllocated","message":"Assigned IP [\"198.18.35.100\"]"}""");

        var events = (await KubectlRunner.RunAsync(scope.Server, "get", "events", "--field-selector", "involvedObject.name=web")).Succeeded().Stdout;

        Assert.Matches(@"^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n\S+\s+Normal\s+IPAllocated\s+service/web\s+Assigned IP \[""198\.18\.35\.100""\]\n$", events);
    }

    [Fact]
    public async Task ApplyCrdAndCustomResource_GetPrintsPrinterColumns()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");

        var crd = (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], CustomResourceTests.IpAddressPoolCrd)).Succeeded();
        var pool = (await KubectlRunner.RunAsync(scope.Server, ["apply", "-f", "-"], """
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: default
              namespace: metallb-system
            spec:
              addresses:
              - 198.18.35.100-198.18.35.110
              autoAssign: true
            """)).Succeeded();
        var table = (await KubectlRunner.RunAsync(scope.Server, "get", "ipaddresspools", "-n", "metallb-system")).Succeeded();
        var edited = (await KubectlRunner.RunAsync(scope.Server, "patch", "ipaddresspool", "default", "-n", "metallb-system", "--type=merge", "-p", """{"spec":{"autoAssign":false}}""")).Succeeded();

        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/ipaddresspools.metallb.io created\n", crd.Stdout);
        Assert.Equal("ipaddresspool.metallb.io/default created\n", pool.Stdout);
        Assert.Equal("NAME      AUTO ASSIGN   ADDRESSES\ndefault   true          [\"198.18.35.100-198.18.35.110\"]\n", table.Stdout);
        Assert.Equal("ipaddresspool.metallb.io/default patched\n", edited.Stdout);
    }

    [Fact]
    public async Task GetPods_ShowsReadyStatusRestarts_AsInTheGuide()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        foreach (var name in (string[])["controller-7dcc8764f4-8n92q", "speaker-fnf8l"])
        {
            scope.Server.Seed("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"NAME","namespace":"metallb-system"},
                 "spec":{"containers":[{"name":"main","image":"barelb"}]},
                 "status":{"phase":"Running","containerStatuses":[{"name":"main","ready":true,"restartCount":1}]}}
                """.Replace("NAME", name, StringComparison.Ordinal));
        }

        var pods = (await KubectlRunner.RunAsync(scope.Server, "get", "pod", "-n", "metallb-system")).Succeeded().Stdout;

        Assert.Matches(@"^NAME                          READY   STATUS    RESTARTS   AGE
controller-7dcc8764f4-8n92q   1/1     Running   1          \d+s
speaker-fnf8l                 1/1     Running   1          \d+s
$", pods);
    }

    [Fact]
    public async Task ApplyServerSide_CreatesThenUpdates()
    {
        await using var scope = await ApiServerScope.StartAsync();
        const string Manifest = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: default
              labels:
                tier: TIER
            spec:
              selector:
                app: web
              ports:
              - port: 80
            """;

        var first = (await KubectlRunner.RunAsync(scope.Server, ["apply", "--server-side", "-f", "-"], Manifest.Replace("TIER", "a", StringComparison.Ordinal))).Succeeded();
        var second = (await KubectlRunner.RunAsync(scope.Server, ["apply", "--server-side", "-f", "-"], Manifest.Replace("TIER", "b", StringComparison.Ordinal))).Succeeded();

        Assert.Equal("service/web serverside-applied\n", first.Stdout);
        Assert.Equal("service/web serverside-applied\n", second.Stdout);
        Assert.Equal("b", (await scope.Client.CoreV1.ReadNamespacedServiceAsync("web", "default", cancellationToken: Ct)).Metadata.Labels["tier"]);
    }

    [Fact]
    public async Task GetWatch_PrintsARowForEachChange()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(Web);
        var start = new System.Diagnostics.ProcessStartInfo(KubectlRunner.Path) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["--kubeconfig", scope.Server.KubeconfigPath, "get", "svc", "web", "-w"])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["HOME"] = Path.GetDirectoryName(scope.Server.KubeconfigPath)!;
        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var header = await process.StandardOutput.ReadLineAsync(timeout.Token);
            var first = await process.StandardOutput.ReadLineAsync(timeout.Token);

            // kubectl watches from resourceVersion 0 and skips the first (initial) event, so change the object only
            // once its watch is open, as a person at the terminal would.
            await WatchTests.WaitForWatchesAsync(scope.Server, 1);
            await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"spec":{"type":"LoadBalancer"}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
            var second = await process.StandardOutput.ReadLineAsync(timeout.Token);

            Assert.Matches(@"^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$", header);
            Assert.Matches(@"^web\s+ClusterIP\s+\S+\s+<none>\s+80/TCP\s+\d+s$", first);
            Assert.Matches(@"^web\s+LoadBalancer\s+\S+\s+<pending>\s+80:3\d{4}/TCP\s+\d+s$", second);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(Ct);
        }
    }

    [Fact]
    public async Task ShortNames_ResolveForBuiltInKinds()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1","labels":{"node-role.kubernetes.io/control-plane":""}},"status":{"conditions":[{"type":"Ready","status":"True"}],"nodeInfo":{"kubeletVersion":"v1.32.0"}}}""");
        scope.Server.Seed("""{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web","namespace":"default"},"subsets":[{"addresses":[{"ip":"10.244.0.5"}],"ports":[{"port":8080}]}]}""");

        Assert.Matches(@"^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\nnode-1\s+Ready\s+control-plane\s+\d+s\s+v1\.32\.0\n$", (await KubectlRunner.RunAsync(scope.Server, "get", "no")).Succeeded().Stdout);
        Assert.Matches(@"^NAME\s+ENDPOINTS\s+AGE\nweb\s+10\.244\.0\.5:8080\s+\d+s\n$", (await KubectlRunner.RunAsync(scope.Server, "get", "ep", "web")).Succeeded().Stdout);
        Assert.Contains("kube-system", (await KubectlRunner.RunAsync(scope.Server, "get", "ns")).Succeeded().Stdout, StringComparison.Ordinal);
        Assert.Equal("No resources found in default namespace.\n", (await KubectlRunner.RunAsync(scope.Server, "get", "cm")).Succeeded().Stderr);
    }
}
