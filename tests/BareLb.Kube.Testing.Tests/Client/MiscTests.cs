using System.Net;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class MiscTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DryRunCreate_ReturnsDefaultedObject_ButStoresNothing()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var before = scope.Server.ResourceVersion;

        var preview = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", type: "NodePort"), "default", dryRun: "All", cancellationToken: Ct);

        Assert.NotNull(preview.Spec.ClusterIP);
        Assert.NotNull(preview.Spec.Ports[0].NodePort);
        Assert.Equal(before, scope.Server.ResourceVersion);
        Assert.Null(scope.Server.Get("v1", "Service", "default", "web"));
    }

    [Fact]
    public async Task DeleteCollection_DeletesWhatTheSelectorMatches()
    {
        await using var scope = await ApiServerScope.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = $"cm-{i}", Labels = new Dictionary<string, string> { ["drop"] = i < 2 ? "yes" : "no" } },
            }, "default", cancellationToken: Ct);
        }

        await scope.Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default", labelSelector: "drop=yes", cancellationToken: Ct);

        Assert.Equal(["cm-2"], (await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: Ct)).Items.Select(c => c.Metadata.Name));
    }

    [Fact]
    public async Task Seed_AcceptsListsAndReturnsStoredObjects()
    {
        await using var scope = await ApiServerScope.StartAsync();

        var seeded = scope.Server.Seed("""
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}},
              {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"kube-system"},"spec":{"holderIdentity":"x"}}]}
            """);

        Assert.Equal(["a", "l"], seeded.Select(o => o["metadata"]!["name"]!.GetValue<string>()));
        Assert.Equal(["default/kubernetes"], scope.Server.List("v1", "Service").Select(o => $"{o["metadata"]!["namespace"]}/{o["metadata"]!["name"]}"));
        Assert.Equal(4, scope.Server.List("v1", "Namespace").Count);
        Assert.All(seeded, o => Assert.NotNull(o["metadata"]!["resourceVersion"]));
        var lease = await scope.Client.CoordinationV1.ReadNamespacedLeaseAsync("l", "kube-system", cancellationToken: Ct);
        Assert.Equal("x", lease.Spec.HolderIdentity);
        Assert.Throws<InvalidOperationException>(() => scope.Server.Seed("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"""));
    }

    [Fact]
    public async Task Discovery_ServesVersionAndCoreResources()
    {
        await using var scope = await ApiServerScope.StartAsync();

        var version = await scope.Client.Version.GetCodeAsync(cancellationToken: Ct);
        var core = await scope.Client.CoreV1.GetAPIResourcesAsync(cancellationToken: Ct);

        Assert.Equal(("1", "32"), (version.Major, version.Minor));
        var services = Assert.Single(core.Resources, r => r.Name == "services");
        Assert.Equal(("Service", true), (services.Kind, services.Namespaced));
        Assert.Equal(["svc"], services.ShortNames);
        Assert.Contains(core.Resources, r => r.Name == "services/status");
        Assert.Contains("watch", services.Verbs);
    }

    [Fact]
    public async Task UnknownPaths_Return404Status()
    {
        await using var scope = await ApiServerScope.StartAsync();
        using var http = new HttpClient { BaseAddress = scope.Server.BaseAddress };

        using var response = await http.GetAsync("apis/nope.example.com/v1/widgets", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(("Status", 404), (status["kind"]!.GetValue<string>(), status["code"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Table_ForServices_HasTheRealColumns()
    {
        await using var scope = await ApiServerScope.StartAsync();
        using var http = new HttpClient { BaseAddress = scope.Server.BaseAddress };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");

        var table = JsonNode.Parse(await http.GetStringAsync("api/v1/namespaces/default/services", Ct))!;

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var row = table["rows"]!.AsArray().Single()!;
        Assert.Equal("kubernetes", row["cells"]![0]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_ChangingImmutableClusterIp_IsInvalid()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);
        svc.Spec.ClusterIP = "10.100.100.100";
        svc.Spec.ClusterIPs = ["10.100.100.100"];

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReplaceNamespacedServiceAsync(svc, "web", "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }

    [Fact]
    public async Task ServerSideApply_CreatesThenMerges_AndAppliesStatus()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var applied = Objects.Service("web", type: "LoadBalancer");
        applied.ApiVersion = "v1";
        applied.Kind = "Service";

        var created = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "web", "default", fieldManager: "barelb", cancellationToken: Ct);
        applied.Metadata.Labels["tier"] = "edge";
        var merged = await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "web", "default", fieldManager: "barelb", cancellationToken: Ct);
        var status = await scope.Client.CoreV1.PatchNamespacedServiceStatusAsync(new V1Patch(
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"status":{"loadBalancer":{"ingress":[{"ip":"198.18.35.100"}]}}}""", V1Patch.PatchType.ApplyPatch),
            "web", "default", fieldManager: "barelb-controller", force: true, cancellationToken: Ct);
        var noManager = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(applied, V1Patch.PatchType.ApplyPatch), "web", "default", cancellationToken: Ct));

        Assert.NotNull(created.Spec.ClusterIP);
        Assert.Equal(created.Spec.Ports[0].NodePort, merged.Spec.Ports[0].NodePort);
        Assert.Equal("edge", merged.Metadata.Labels["tier"]);
        Assert.Equal("198.18.35.100", status.Status.LoadBalancer.Ingress.Single().Ip);
        Assert.Equal(HttpStatusCode.BadRequest, noManager.Response.StatusCode);
    }
}
