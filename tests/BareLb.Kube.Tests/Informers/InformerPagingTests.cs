using BareLb.Kube.Client;
using BareLb.Kube.Informers;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Informers;

/// <summary>The informer lists in pages with <c>limit</c> and <c>continue</c>, as client-go's reflector does, against the emulator.</summary>
public sealed class InformerPagingTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AListIsReadInPagesOfTheConfiguredSize()
    {
        await using var server = await StartAsync(services: 5);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        var source = new PageCounting(Services(client));
        await using var informer = new Informer<V1Service>(source, new InformerOptions { PageSize = 2 });
        informer.Start();
        await informer.WaitForSyncAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal([(2, null), (2, "next"), (2, "next")], source.Pages.Select(p => (p.Limit, p.Continue is null ? null : "next")));
        Assert.Equal(5, informer.Objects.Count);
        Assert.Equal(1, informer.ListCount);
    }

    [Fact]
    public async Task AContinueTokenThatExpiredBetweenPages_MeansOneListWithoutPaging()
    {
        await using var server = await StartAsync(services: 5);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        using var logs = new ListLoggerFactory();
        var source = new PageCounting(Services(client), beforeSecondPage: server.Faults.CompactHistory);
        await using var informer = new Informer<V1Service>(source, new InformerOptions { PageSize = 2 }, logger: logs.CreateLogger("informer"));
        var added = 0;
        informer.Subscribe(_ => Interlocked.Increment(ref added));
        informer.Start();
        await informer.WaitForSyncAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(5, informer.Objects.Count);
        Assert.Equal(5, added);
        Assert.Equal(1, source.FullLists);
        Assert.Contains(logs.Entries, e => e.EventId == 105);

        // And the informer watches on from the full list.
        await client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "late" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "apps", cancellationToken: Ct);
        await Eventually.TrueAsync(() => informer.Get("apps/late") is not null, "the Service created after the list");
    }

    private static IListWatch<V1Service> Services(Kubernetes client) =>
        ListWatch.For<V1Service, V1ServiceList>(
            (limit, next, ct) => client.CoreV1.ListNamespacedServiceAsync("apps", continueParameter: next, limit: limit, cancellationToken: ct),
            ResourceWatch.Of<V1Service>(ApiConnection.Of(client), "api/v1/namespaces/apps/services"));

    private static async Task<KubeApiServer> StartAsync(int services)
    {
        var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}}""");
        for (var i = 0; i < services; i++)
        {
            server.Seed($$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-{{{i}}}","namespace":"apps"},"spec":{"ports":[{"port":80}]}}""");
        }

        return server;
    }

    /// <summary>Passes calls through, recording each page asked for.</summary>
    private sealed class PageCounting(IListWatch<V1Service> inner, Action? beforeSecondPage = null) : IListWatch<V1Service>
    {
        private int _fullLists;

        public List<(int Limit, string? Continue)> Pages { get; } = [];

        public int FullLists => Volatile.Read(ref _fullLists);

        public Task<ListResult<V1Service>> ListAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _fullLists);
            return inner.ListAsync(cancellationToken);
        }

        public Task<ListResult<V1Service>> ListPageAsync(int limit, string? continueToken, CancellationToken cancellationToken)
        {
            Pages.Add((limit, continueToken));
            if (Pages.Count == 2)
            {
                beforeSecondPage?.Invoke();
            }

            return inner.ListPageAsync(limit, continueToken, cancellationToken);
        }

        public IAsyncEnumerable<(WatchEventType Type, V1Service Object)> WatchAsync(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken) =>
            inner.WatchAsync(resourceVersion, onError, cancellationToken);
    }
}
