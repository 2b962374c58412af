using System.Net;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class StatusAndServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PatchStatus_ChangesStatus_AndIgnoresSpec()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", type: "LoadBalancer"), "default", cancellationToken: Ct);

        var patched = await scope.Client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch(
            """{"spec":{"type":"ClusterIP"},"status":{"loadBalancer":{"ingress":[{"ip":"198.18.35.100"}]}}}""", V1Patch.PatchType.MergePatch),
            "web", "default", cancellationToken: Ct);

        Assert.Equal("LoadBalancer", patched.Spec.Type);
        Assert.Equal("198.18.35.100", patched.Status.LoadBalancer.Ingress.Single().Ip);
    }

    [Fact]
    public async Task ReplaceMainResource_IgnoresStatusChanges()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", type: "LoadBalancer"), "default", cancellationToken: Ct);
        svc.Status.LoadBalancer.Ingress = [new V1LoadBalancerIngress { Ip = "198.18.35.100" }];
        svc.Metadata.Labels["changed"] = "yes";

        var replaced = await scope.Client.CoreV1.ReplaceNamespacedServiceAsync(svc, "web", "default", cancellationToken: Ct);

        Assert.Equal("yes", replaced.Metadata.Labels["changed"]);
        Assert.Null(replaced.Status.LoadBalancer.Ingress);
    }

    [Fact]
    public async Task ReplaceStatus_WithStaleResourceVersion_Conflicts()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", type: "LoadBalancer"), "default", cancellationToken: Ct);
        await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        svc.Status.LoadBalancer.Ingress = [new V1LoadBalancerIngress { Ip = "198.18.35.100" }];

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.ReplaceNamespacedServiceStatusAsync(svc, "web", "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task Service_IsDefaultedLikeTheApiServer()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", "default", "ClusterIP", 80, 443), "default", cancellationToken: Ct);

        Assert.True(System.Net.IPAddress.TryParse(created.Spec.ClusterIP, out var ip));
        Assert.True(System.Net.IPNetwork.Parse("10.96.0.0/12").Contains(ip));
        Assert.Equal([created.Spec.ClusterIP], created.Spec.ClusterIPs);
        Assert.Equal(["IPv4"], created.Spec.IpFamilies);
        Assert.Equal("SingleStack", created.Spec.IpFamilyPolicy);
        Assert.Equal("None", created.Spec.SessionAffinity);
        Assert.Equal("Cluster", created.Spec.InternalTrafficPolicy);
        Assert.All(created.Spec.Ports, p => Assert.Equal("TCP", p.Protocol));
        Assert.All(created.Spec.Ports, p => Assert.Equal(p.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), p.TargetPort.Value));
        Assert.All(created.Spec.Ports, p => Assert.Null(p.NodePort));
        Assert.NotNull(created.Status.LoadBalancer);
    }

    [Fact]
    public async Task Service_TypeChanges_AllocateAndReleaseNodePorts()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", "default", "ClusterIP", 80, 443), "default", cancellationToken: Ct);

        var lb = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(
            """{"spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.100"}}""", V1Patch.PatchType.StrategicMergePatch), "web", "default", cancellationToken: Ct);

        Assert.Equal(created.Spec.ClusterIP, lb.Spec.ClusterIP);
        Assert.All(lb.Spec.Ports, p => Assert.InRange(p.NodePort!.Value, 30000, 32767));
        Assert.Equal(2, lb.Spec.Ports.Select(p => p.NodePort).Distinct().Count());
        Assert.Equal("Cluster", lb.Spec.ExternalTrafficPolicy);
        Assert.True(lb.Spec.AllocateLoadBalancerNodePorts);

        var relabeled = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(
            """{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        Assert.Equal(lb.Spec.Ports.Select(p => p.NodePort), relabeled.Spec.Ports.Select(p => p.NodePort));

        var back = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(
            """{"spec":{"type":"ClusterIP"}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        Assert.All(back.Spec.Ports, p => Assert.Null(p.NodePort));
        Assert.Null(back.Spec.ExternalTrafficPolicy);
        Assert.Null(back.Spec.AllocateLoadBalancerNodePorts);
        Assert.Equal("192.168.35.100", back.Spec.LoadBalancerIP);
    }

    [Fact]
    public async Task Service_ClusterIpWithANewNodePort_IsInvalid()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = Objects.Service("web");
        svc.Spec.Ports[0].NodePort = 30080;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedServiceAsync(svc, "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("may not be used when `type` is 'ClusterIP'", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_LoadBalancerWithLocalPolicy_GetsAHealthCheckNodePort()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = Objects.Service("web", type: "LoadBalancer");
        svc.Spec.ExternalTrafficPolicy = "Local";

        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(svc, "default", cancellationToken: Ct);
        var relabeled = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        var cluster = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"spec":{"externalTrafficPolicy":"Cluster"}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        Assert.InRange(created.Spec.HealthCheckNodePort!.Value, 30000, 32767);
        Assert.NotEqual(created.Spec.Ports[0].NodePort, created.Spec.HealthCheckNodePort);
        Assert.Equal(created.Spec.HealthCheckNodePort, relabeled.Spec.HealthCheckNodePort);
        Assert.Null(cluster.Spec.HealthCheckNodePort);
    }

    [Fact]
    public async Task Service_RequestedClusterIpInUse_IsInvalid()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var a = Objects.Service("a");
        a.Spec.ClusterIP = "10.103.72.5";
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(a, "default", cancellationToken: Ct);
        var b = Objects.Service("b");
        b.Spec.ClusterIP = "10.103.72.5";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedServiceAsync(b, "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("provided IP is already allocated", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_DeletedClusterIpAndNodePorts_CanBeReused()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = Objects.Service("a", type: "NodePort");
        svc.Spec.ClusterIP = "10.103.72.5";
        svc.Spec.Ports[0].NodePort = 30080;
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(svc, "default", cancellationToken: Ct);
        await scope.Client.CoreV1.DeleteNamespacedServiceAsync("a", "default", cancellationToken: Ct);

        var again = await scope.Client.CoreV1.CreateNamespacedServiceAsync(svc, "default", cancellationToken: Ct);

        Assert.Equal(("10.103.72.5", 30080), (again.Spec.ClusterIP, again.Spec.Ports[0].NodePort));
    }

    [Fact]
    public async Task StrategicMergePatch_MergesServicePortsByPort()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", "default", "ClusterIP", 80, 443), "default", cancellationToken: Ct);

        var patched = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(
            """{"spec":{"ports":[{"port":443,"name":"https"},{"port":8080,"name":"alt"},{"port":80,"$patch":"delete"}]}}""", V1Patch.PatchType.StrategicMergePatch),
            "web", "default", cancellationToken: Ct);

        Assert.Equal([(443, "https"), (8080, "alt")], patched.Spec.Ports.Select(p => (p.Port, p.Name)));
        Assert.Equal("TCP", patched.Spec.Ports[1].Protocol);
    }

    [Fact]
    public async Task JsonPatch_AppliesOperations()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "default", cancellationToken: Ct);

        var patched = await scope.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """[{"op":"test","path":"/data/a","value":"1"},{"op":"add","path":"/data/b","value":"2"},{"op":"remove","path":"/data/a"}]""", V1Patch.PatchType.JsonPatch),
            "c", "default", cancellationToken: Ct);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, patched.Data);
    }

    [Fact]
    public async Task Patch_NoChange_KeepsResourceVersion()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);

        var patched = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"app":"web"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        Assert.Equal(created.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
    }

    [Theory]
    [InlineData(409)]
    [InlineData(429)]
    [InlineData(500)]
    public async Task FailNext_FailsOnlyTheChosenVerbAndResource(int code)
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Faults.FailNext("create", "services", code, count: 2);

        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "ok" } }, "default", cancellationToken: Ct);
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct));
            Assert.Equal(code, (int)error.Response.StatusCode);
            var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
            Assert.Equal(code, status.Code);
            Assert.Equal(code == 429 ? 1 : null, status.Details?.RetryAfterSeconds);
        }

        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);
    }

    [Fact]
    public async Task FailNext_OnStatusSubresource_LeavesMainResourceAlone()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", type: "LoadBalancer"), "default", cancellationToken: Ct);
        scope.Server.Faults.FailNext("patch", "services/status", 409);
        var patch = new V1Patch("""{"status":{"loadBalancer":{"ingress":[{"ip":"198.18.35.100"}]}}}""", V1Patch.PatchType.MergePatch);

        await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.PatchNamespacedServiceStatusAsync(patch, "web", "default", cancellationToken: Ct));
        var ok = await scope.Client.CoreV1.PatchNamespacedServiceStatusAsync(patch, "web", "default", cancellationToken: Ct);

        Assert.Equal("198.18.35.100", ok.Status.LoadBalancer.Ingress.Single().Ip);
    }

    [Fact]
    public async Task ResponseDelay_SlowsEveryRequest()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Faults.ResponseDelay = TimeSpan.FromMilliseconds(300);
        using var tooShort = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        tooShort.CancelAfter(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scope.Client.CoreV1.ListNamespaceAsync(cancellationToken: tooShort.Token));

        scope.Server.Faults.ResponseDelay = TimeSpan.Zero;
        Assert.NotEmpty((await scope.Client.CoreV1.ListNamespaceAsync(cancellationToken: Ct)).Items);
    }
}
