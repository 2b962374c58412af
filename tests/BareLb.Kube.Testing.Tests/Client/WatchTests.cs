using System.Net;
using System.Threading.Channels;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class WatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Collects a watch's events into a channel so that the test can await them one by one.</summary>
    private static (ChannelReader<(WatchEventType Type, V1Service Service)> Events, Task<Exception?> Done) Watch(
        ApiServerScope scope, string? resourceVersion, bool bookmarks = false, int? timeoutSeconds = null, CancellationToken stop = default)
    {
        var channel = Channel.CreateUnbounded<(WatchEventType, V1Service)>();
        var done = Task.Run(async () =>
        {
            Exception? error = null;
            try
            {
                var stream = scope.Client.CoreV1.WatchListNamespacedServiceAsync(
                    "default", allowWatchBookmarks: bookmarks, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds,
                    onError: e => error = e, cancellationToken: stop);
                await foreach (var (type, item) in stream)
                {
                    await channel.Writer.WriteAsync((type, item), stop);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = e;
            }
            catch (OperationCanceledException)
            {
            }

            channel.Writer.TryComplete();
            return error;
        }, CancellationToken.None);
        return (channel.Reader, done);
    }

    private static async Task<(WatchEventType Type, V1Service Service)> NextAsync(ChannelReader<(WatchEventType, V1Service)> events)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await events.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task Watch_FromList_SeesAddedModifiedDeleted()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var list = await scope.Client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, _) = Watch(scope, list.Metadata.ResourceVersion, stop: stop.Token);

        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);
        await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"x":"y"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await scope.Client.CoreV1.DeleteNamespacedServiceAsync("web", "default", cancellationToken: Ct);

        var added = await NextAsync(events);
        var modified = await NextAsync(events);
        var deleted = await NextAsync(events);
        Assert.Equal((WatchEventType.Added, "web"), (added.Type, added.Service.Metadata.Name));
        Assert.Equal(WatchEventType.Modified, modified.Type);
        Assert.Equal("y", modified.Service.Metadata.Labels["x"]);
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.True(long.Parse(deleted.Service.Metadata.ResourceVersion) > long.Parse(modified.Service.Metadata.ResourceVersion));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithAddedForExistingObjects()
    {
        await using var scope = await ApiServerScope.StartAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, _) = Watch(scope, null, stop: stop.Token);

        var first = await NextAsync(events);

        Assert.Equal((WatchEventType.Added, "kubernetes"), (first.Type, first.Service.Metadata.Name));
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Watch_ResumedFromAnOldResourceVersion_ReplaysWhatItMissed()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var start = (await scope.Client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: Ct)).Metadata.ResourceVersion;
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a"), "default", cancellationToken: Ct);
        var afterA = (await scope.Client.CoreV1.ReadNamespacedServiceAsync("a", "default", cancellationToken: Ct)).Metadata.ResourceVersion;
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("b"), "default", cancellationToken: Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var (fromStart, _) = Watch(scope, start, stop: stop.Token);
        var (fromA, _) = Watch(scope, afterA, stop: stop.Token);

        Assert.Equal("a", (await NextAsync(fromStart)).Service.Metadata.Name);
        Assert.Equal("b", (await NextAsync(fromStart)).Service.Metadata.Name);
        Assert.Equal("b", (await NextAsync(fromA)).Service.Metadata.Name);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Watch_ResumedAfterCompaction_Gets410Gone()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var start = (await scope.Client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: Ct)).Metadata.ResourceVersion;
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a"), "default", cancellationToken: Ct);
        scope.Server.Faults.CompactHistory();

        var (events, done) = Watch(scope, start, stop: Ct);
        var error = await done.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var status = Assert.IsType<KubernetesException>(error);
        Assert.Equal(410, status.Status.Code);
        Assert.Equal("Expired", status.Status.Reason);
        Assert.False(events.TryRead(out _));
    }

    [Fact]
    public async Task Watch_HistoryCapacity_CompactsOldVersions()
    {
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { WatchHistoryCapacity = 2 });
        var start = (await scope.Client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: Ct)).Metadata.ResourceVersion;
        for (var i = 0; i < 3; i++)
        {
            await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service($"s{i}"), "default", cancellationToken: Ct);
        }

        var (_, done) = Watch(scope, start, stop: Ct);

        Assert.Equal(410, Assert.IsType<KubernetesException>(await done.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Status.Code);
    }

    [Fact]
    public async Task Watch_WithBookmarks_ReceivesBookmarkAtCurrentVersion()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var start = (await scope.Client.CoreV1.ListNamespacedServiceAsync("default", cancellationToken: Ct)).Metadata.ResourceVersion;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, _) = Watch(scope, start, bookmarks: true, stop: stop.Token);
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a"), "default", cancellationToken: Ct);
        Assert.Equal(WatchEventType.Added, (await NextAsync(events)).Type);

        scope.Server.SendBookmarks();
        var bookmark = await NextAsync(events);

        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(scope.Server.ResourceVersion, bookmark.Service.Metadata.ResourceVersion);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Watch_PeriodicBookmarks_ArriveOnTheirOwn()
    {
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, _) = Watch(scope, scope.Server.ResourceVersion, bookmarks: true, stop: stop.Token);

        Assert.Equal(WatchEventType.Bookmark, (await NextAsync(events)).Type);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task Watch_WithoutBookmarksRequested_GetsNoBookmarks()
    {
        await using var scope = await ApiServerScope.StartAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, _) = Watch(scope, scope.Server.ResourceVersion, bookmarks: false, stop: stop.Token);
        await WaitForWatchesAsync(scope.Server, 1);

        scope.Server.SendBookmarks();
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("a"), "default", cancellationToken: Ct);

        Assert.Equal(WatchEventType.Added, (await NextAsync(events)).Type);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task CutWatches_EndsOpenStreams()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var (events, done) = Watch(scope, scope.Server.ResourceVersion, stop: Ct);
        await WaitForWatchesAsync(scope.Server, 1);

        Assert.Equal(1, scope.Server.Faults.CutWatches());

        await done.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(events.Completion.IsCompleted);
        Assert.Equal(0, scope.Server.OpenWatches);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsTheStream()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var (events, done) = Watch(scope, null, timeoutSeconds: 1, stop: Ct);

        Assert.Equal("kubernetes", (await NextAsync(events)).Service.Metadata.Name);
        Assert.Null(await done.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.Equal(0, scope.Server.OpenWatches);
    }

    [Fact]
    public async Task Watch_LabelSelector_TurnsLeavingObjectsIntoDeleted()
    {
        await using var scope = await ApiServerScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("web"), "default", cancellationToken: Ct);
        var rv = scope.Server.ResourceVersion;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var channel = Channel.CreateUnbounded<(WatchEventType, V1Service)>();
        _ = Task.Run(async () =>
        {
            var stream = scope.Client.CoreV1.WatchListNamespacedServiceAsync("default", labelSelector: "app=web", resourceVersion: rv, cancellationToken: stop.Token);
            await foreach (var item in stream)
            {
                await channel.Writer.WriteAsync(item, stop.Token);
            }
        }, stop.Token);

        await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"app":"other"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);
        await scope.Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"metadata":{"labels":{"app":"web"}}}""", V1Patch.PatchType.MergePatch), "web", "default", cancellationToken: Ct);

        Assert.Equal(WatchEventType.Deleted, (await NextAsync(channel.Reader)).Type);
        Assert.Equal(WatchEventType.Added, (await NextAsync(channel.Reader)).Type);
        await stop.CancelAsync();
    }

    [Fact]
    public async Task FailNext_Watch_Returns500ThenWorks()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Faults.FailNext("watch", "services", 500);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.ListNamespacedServiceWithHttpMessagesAsync("default", watch: true, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var (events, _) = Watch(scope, null, stop: stop.Token);
        Assert.Equal(WatchEventType.Added, (await NextAsync(events)).Type);
        await stop.CancelAsync();
    }

    internal static async Task WaitForWatchesAsync(KubeApiServer server, int count)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (server.OpenWatches < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
