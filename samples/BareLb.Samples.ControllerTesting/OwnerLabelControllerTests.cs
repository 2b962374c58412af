using System.Net;
using BareLb.Kube.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Samples.ControllerTesting;

/// <summary>
/// Testing a controller against BareLb.Kube.Testing: a real API server protocol over loopback HTTP, started in
/// milliseconds, talked to by the ordinary KubernetesClient; the test seeds objects, injects faults and reads back
/// what the controller wrote. Each test waits on a condition, never a fixed time.
/// </summary>
public sealed class OwnerLabelControllerTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private Task _controller = Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        _server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"team":"payments"}}}""");
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.KubeconfigPath));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _controller;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _client.Dispose();
        await _server.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task LabelsWhatExistsAndWhatIsCreatedLater()
    {
        _server.Seed("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"before","namespace":"shop"}}""");
        StartController();

        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, "shop", cancellationToken: Ct);

        await EventuallyAsync(() => Owner("before") == "payments" && Owner("after") == "payments");
    }

    [Fact]
    public async Task AConflictingWriteIsRetriedOnTheObjectAsItIsNow()
    {
        // The first update of a ConfigMap answers 409 Conflict, as when another writer got there first.
        _server.Faults.FailNext("update", "configmaps", 409);
        _server.Seed("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"contested","namespace":"shop"}}""");
        StartController();

        await EventuallyAsync(() => Owner("contested") == "payments");
    }

    [Fact]
    public async Task AFailingListAndACutWatchAreSurvived()
    {
        _server.Faults.FailNext("list", "configmaps", 500, count: 2);
        StartController();
        await EventuallyAsync(() => _server.OpenWatches > 0);

        _server.Faults.CutWatches(); // as an API server restart would
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "later" } }, "shop", cancellationToken: Ct);

        await EventuallyAsync(() => Owner("later") == "payments");
    }

    [Fact]
    public async Task ItsRbacIsCheckedPerServiceAccount()
    {
        // The permissions the controller's manifests would grant it, and a kubeconfig that acts as its ServiceAccount.
        _server.Seed("""
            {"apiVersion":"v1","kind":"List","items":[
              {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"labeler","namespace":"shop"},
               "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","watch"]}]},
              {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"labeler","namespace":"shop"},
               "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"labeler"},
               "subjects":[{"kind":"ServiceAccount","name":"labeler","namespace":"shop"}]}]}
            """);
        using var asLabeler = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.CreateServiceAccountKubeconfig("shop", "labeler")));

        Assert.NotNull(await asLabeler.CoreV1.ListNamespacedConfigMapAsync("shop", cancellationToken: Ct));
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => asLabeler.CoreV1.ReadNamespaceAsync("shop", cancellationToken: Ct));

        // The Role forgot the namespaces the controller reads: this test catches it before a cluster does.
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal(["system:serviceaccount:shop:labeler get namespaces shop"], _server.Authorization.Denials);
    }

    private void StartController() => _controller = new OwnerLabelController(_client, "shop").RunAsync(_stop.Token);

    private string? Owner(string name)
    {
        var map = _server.Get("v1", "ConfigMap", "shop", name);
        return map?["metadata"]?["labels"]?["owner"]?.GetValue<string>();
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition was not met within 20 s");
            await Task.Delay(20, Ct);
        }
    }
}
