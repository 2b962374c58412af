using System.Collections.Concurrent;
using BareLb.Kube.Client;
using BareLb.Kube.Informers;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Informers;

/// <summary>The informer against the in-memory API server over real HTTP, with its faults.</summary>
public sealed class InformerTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;
    private readonly ConcurrentQueue<InformerChange<V1Service>> _changes = new();
    private KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private Informer<V1Service> _informer = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.KubeconfigPath));
        await CreateAsync("one");
        await CreateAsync("two");
    }

    public async ValueTask DisposeAsync()
    {
        if (_informer is not null)
        {
            await _informer.DisposeAsync();
        }

        _client.Dispose();
        await _server.DisposeAsync();
    }

    private Informer<V1Service> StartInformer(InformerOptions? options = null)
    {
        var source = ListWatch.For<V1Service, V1ServiceList>(
            ct => _client.CoreV1.ListNamespacedServiceAsync("apps", cancellationToken: ct),
            ResourceWatch.Of<V1Service>(ApiConnection.Of(_client), "api/v1/namespaces/apps/services"));
        _informer = new Informer<V1Service>(source, options ?? new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20) });
        _informer.Subscribe(_changes.Enqueue);
        _informer.Start();
        return _informer;
    }

    private async Task CreateAsync(string name)
    {
        if (_server.Get("v1", "Namespace", null, "apps") is null)
        {
            _server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
        }

        await _client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } },
            "apps",
            cancellationToken: Ct);
    }

    private async Task WaitFor(Func<bool> condition, string what)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition(), $"timed out waiting for {what}; changes: {string.Join(", ", _changes.Select(c => $"{c.Type} {c.Key}"))}");
    }

    private int Count(InformerChangeType type, string key) => _changes.Count(c => c.Type == type && c.Key == key);

    [Fact]
    public async Task ListsThenWatches_CreatesUpdatesAndDeletes()
    {
        var informer = StartInformer();
        await informer.WaitForSyncAsync(Ct);
        Assert.True(informer.HasSynced);
        Assert.Equal(["apps/one", "apps/two"], informer.Objects.Select(ObjectKeys.Of).Order());

        await CreateAsync("three");
        var patch = new V1Patch("""{"metadata":{"labels":{"team":"ml"}}}""", V1Patch.PatchType.MergePatch);
        await _client.CoreV1.PatchNamespacedServiceAsync(patch, "one", "apps", cancellationToken: Ct);
        await _client.CoreV1.DeleteNamespacedServiceAsync("two", "apps", cancellationToken: Ct);

        await WaitFor(() => Count(InformerChangeType.Deleted, "apps/two") == 1, "the delete");
        Assert.Equal(1, Count(InformerChangeType.Added, "apps/three"));
        Assert.Equal(1, Count(InformerChangeType.Modified, "apps/one"));
        Assert.Equal("ml", informer.Get("apps/one")!.Metadata.Labels["team"]);
        Assert.Null(informer.Get("apps/two"));
    }

    [Fact]
    public async Task ACutWatch_ResumesFromTheLastVersion_WithoutListingAgain()
    {
        var informer = StartInformer();
        await informer.WaitForSyncAsync(Ct);
        await WaitFor(() => _server.OpenWatches > 0, "the watch to open");

        _server.Faults.CutWatches();
        await CreateAsync("after-cut");

        await WaitFor(() => Count(InformerChangeType.Added, "apps/after-cut") == 1, "the object created after the cut");
        Assert.Equal(1, informer.ListCount);
        Assert.True(informer.WatchCount >= 2);
        Assert.Equal(1, Count(InformerChangeType.Added, "apps/one")); // nothing replayed twice
    }

    [Fact]
    public async Task GoneOnResume_ListsAgain_AndReportsWhatChangedMeanwhile()
    {
        var informer = StartInformer();
        await informer.WaitForSyncAsync(Ct);
        await WaitFor(() => _server.OpenWatches > 0, "the watch to open");

        // Keep the informer from watching while objects change and history is compacted.
        _server.Faults.FailNext("watch", "services", 500, count: 3);
        _server.Faults.CutWatches();
        await _client.CoreV1.DeleteNamespacedServiceAsync("two", "apps", cancellationToken: Ct);
        await CreateAsync("meanwhile");
        _server.Faults.CompactHistory();

        await WaitFor(() => informer.ListCount >= 2, "a relist after 410");
        await WaitFor(() => Count(InformerChangeType.Deleted, "apps/two") == 1 && Count(InformerChangeType.Added, "apps/meanwhile") == 1, "the changes made meanwhile");
        Assert.Equal(["apps/meanwhile", "apps/one"], informer.Objects.Select(ObjectKeys.Of).Order());
    }

    [Fact]
    public async Task AFailingList_IsRetriedWithBackoff_UntilItSyncs()
    {
        _server.Faults.FailNext("list", "services", 500, count: 2);
        var informer = StartInformer();
        await informer.WaitForSyncAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(2, informer.Objects.Count);
    }

    [Fact]
    public async Task ASilentWatch_IsReopenedByTheWatchdog()
    {
        var informer = StartInformer(new InformerOptions { WatchdogTimeout = TimeSpan.FromMilliseconds(300), InitialBackoff = TimeSpan.FromMilliseconds(20) });
        await informer.WaitForSyncAsync(Ct);
        await WaitFor(() => informer.WatchCount >= 3, "the watchdog to reopen the watch twice");
        Assert.Equal(1, informer.ListCount);
        await CreateAsync("still-seen");
        await WaitFor(() => Count(InformerChangeType.Added, "apps/still-seen") == 1, "an object created after the reopenings");
    }

    [Fact]
    public async Task Bookmarks_MoveTheResourceVersion()
    {
        var informer = StartInformer();
        await informer.WaitForSyncAsync(Ct);
        await WaitFor(() => _server.OpenWatches > 0, "the watch to open");
        _server.Seed("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"unrelated","namespace":"apps"}}""");
        var before = informer.ResourceVersion;
        _server.SendBookmarks();
        await WaitFor(() => informer.ResourceVersion != before, "the bookmark");
        Assert.Equal(_server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), informer.ResourceVersion);
        Assert.DoesNotContain(_changes, c => c.Type != InformerChangeType.Added);
    }
}
