using System.Net;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class CrudTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_ThenGet_FillsUidTimestampAndResourceVersion()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "config" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "default", cancellationToken: Ct);

        var read = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("config", "default", cancellationToken: Ct);

        Assert.True(Guid.TryParse(read.Metadata.Uid, out _));
        Assert.NotNull(read.Metadata.CreationTimestamp);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("v", read.Data["k"]);
    }

    [Fact]
    public async Task Create_Twice_Returns409AlreadyExistsStatus()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Status", status.Kind);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal(409, status.Code);
        Assert.Equal("services \"web\" already exists", status.Message);
    }

    [Fact]
    public async Task Create_WithGenerateName_AppendsRandomSuffix()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "speaker-" } }, "default", cancellationToken: Ct);

        Assert.StartsWith("speaker-", created.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal("speaker-".Length + 5, created.Metadata.Name.Length);
    }

    [Fact]
    public async Task Create_InMissingNamespace_Returns404()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web", "nowhere"), "nowhere", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Equal("namespaces \"nowhere\" not found", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Get_Missing_Returns404NotFoundStatus()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.ReadNamespacedServiceAsync("missing", "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Equal("NotFound", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
    }

    [Fact]
    public async Task Replace_WithStaleResourceVersion_Returns409Conflict()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var first = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);
        var stale = await scope.Client.CoreV1.ReadNamespacedServiceAsync("web", "default", cancellationToken: Ct);
        first.Metadata.Labels["tier"] = "one";
        await scope.Client.CoreV1.ReplaceNamespacedServiceAsync(first, "web", "default", cancellationToken: Ct);

        stale.Metadata.Labels["tier"] = "two";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.ReplaceNamespacedServiceAsync(stale, "web", "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Contains("the object has been modified", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceVersions_AreGlobalAndIncreasing()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var a = await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a"), "default", cancellationToken: Ct);
        var b = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, "default", cancellationToken: Ct);
        Assert.True(long.Parse(b.Metadata.ResourceVersion) > long.Parse(a.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task List_FiltersByLabelAndFieldSelectors()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespaceAsync(Objects.Namespace("other"), cancellationToken: Ct);
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a"), "default", cancellationToken: Ct);
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("b"), "default", cancellationToken: Ct);
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a", "other"), "other", cancellationToken: Ct);

        var byLabel = await scope.Client.CoreV1.ListServiceForAllNamespacesAsync(labelSelector: "app=a", cancellationToken: Ct);
        var bySet = await scope.Client.CoreV1.ListNamespacedServiceAsync("default", labelSelector: "app in (a,b)", cancellationToken: Ct);
        var byField = await scope.Client.CoreV1.ListServiceForAllNamespacesAsync(fieldSelector: "metadata.namespace=other", cancellationToken: Ct);
        var notName = await scope.Client.CoreV1.ListNamespacedServiceAsync("default", fieldSelector: "metadata.name!=a", cancellationToken: Ct);

        Assert.Equal(["default/a", "other/a"], byLabel.Items.Select(s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}"));
        Assert.Equal(["a", "b"], bySet.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["a"], byField.Items.Select(s => s.Metadata.Name));
        Assert.Equal(["b", "kubernetes"], notName.Items.Select(s => s.Metadata.Name));
    }

    [Fact]
    public async Task List_WithLimit_PagesThroughContinueTokens()
    {
        await using var scope = await ApiServerScope.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{i}" } }, "default", cancellationToken: Ct);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3, continueParameter: token, cancellationToken: Ct);
            names.AddRange(page.Items.Select(c => c.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cm-{i}"), names);
    }

    [Fact]
    public async Task Events_FilterOnInvolvedObjectFields()
    {
        await using var scope = await ApiServerScope.StartAsync();
        foreach (var (name, target) in new[] { ("e1", "web"), ("e2", "db"), ("e3", "web") })
        {
            await scope.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name },
                InvolvedObject = new V1ObjectReference { Kind = "Service", Name = target, NamespaceProperty = "default" },
                Reason = "Test",
                Message = name,
            }, "default", cancellationToken: Ct);
        }

        var events = await scope.Client.CoreV1.ListNamespacedEventAsync("default",
            fieldSelector: "involvedObject.kind=Service,involvedObject.name=web", cancellationToken: Ct);

        Assert.Equal(["e1", "e3"], events.Items.Select(e => e.Metadata.Name));
    }

    [Fact]
    public async Task Delete_RemovesObject_AndNamespaceDeleteCascades()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespaceAsync(Objects.Namespace("team"), cancellationToken: Ct);
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a", "team"), "team", cancellationToken: Ct);
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("b", "team"), "team", cancellationToken: Ct);

        await scope.Client.CoreV1.DeleteNamespacedServiceAsync("a", "team", cancellationToken: Ct);
        Assert.Equal(["b"], (await scope.Client.CoreV1.ListNamespacedServiceAsync("team", cancellationToken: Ct)).Items.Select(s => s.Metadata.Name));

        await scope.Client.CoreV1.DeleteNamespaceAsync("team", cancellationToken: Ct);
        Assert.Empty((await scope.Client.CoreV1.ListNamespacedServiceAsync("team", cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksThenRemovesWhenFinalizerCleared()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var svc = Objects.Service("held");
        svc.Metadata.Finalizers = ["barelb.io/cleanup"];
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(svc, "default", cancellationToken: Ct);

        await scope.Client.CoreV1.DeleteNamespacedServiceAsync("held", "default", cancellationToken: Ct);
        var marked = await scope.Client.CoreV1.ReadNamespacedServiceAsync("held", "default", cancellationToken: Ct);
        Assert.NotNull(marked.Metadata.DeletionTimestamp);

        await scope.Client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", "default", cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReadNamespacedServiceAsync("held", "default", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }
}
