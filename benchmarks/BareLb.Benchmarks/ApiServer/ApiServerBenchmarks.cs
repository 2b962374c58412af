using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using BareLb.Kube.Testing;
using BenchmarkDotNet.Attributes;
using k8s;

namespace BareLb.Benchmarks.ApiServer;

/// <summary>
/// The in-memory API server with 10,000 Services stored and 100 open watches on all Services: the time to list
/// them all, and the time for one change to reach every watcher. The baseline is a GET of one Service over the
/// same HTTP stack, so the ratios say how many single round trips each costs. The retained memory of the
/// store is printed once after seeding ("// retained").
/// </summary>
[MemoryDiagnoser]
public class ApiServerBenchmarks
{
    private const int ServiceCount = 10_000;
    private const int NamespaceCount = 100;
    private const int WatcherCount = 100;

    private KubeApiServer _server = null!;
    private HttpClient _http = null!;
    private Kubernetes _client = null!;
    private readonly List<Task> _watchers = [];
    private CancellationTokenSource _stop = null!;
    private TaskCompletionSource _allSeen = null!;
    private int _pending;
    private int _change;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        _server = await KubeApiServer.StartAsync(new KubeApiServerOptions { WatchHistoryCapacity = 1_000 });
        for (var n = 0; n < NamespaceCount; n++)
        {
            _server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"NAME"}}""".Replace("NAME", $"ns-{n}", StringComparison.Ordinal));
        }

        for (var i = 0; i < ServiceCount; i++)
        {
            _server.Seed(ServiceJson(i));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// retained by the server after seeding {ServiceCount} Services: {(after - before) / 1024.0 / 1024.0:F1} MiB ({(after - before) / ServiceCount} bytes per Service)"));

        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = _server.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.KubeconfigPath));
        _stop = new CancellationTokenSource();
        _allSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resourceVersion = _server.ResourceVersion;
        for (var w = 0; w < WatcherCount; w++)
        {
            _watchers.Add(Task.Run(() => WatchAsync(resourceVersion)));
        }

        while (_server.OpenWatches < WatcherCount)
        {
            await Task.Delay(10);
        }

        var beforeWatches = after;
        after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// retained with {WatcherCount} open watches: {(after - beforeWatches) / 1024.0:F0} KiB more"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Task.WaitAll([.. _watchers], TimeSpan.FromSeconds(10));
        _client.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }

    /// <summary>The anchor: one GET of one Service.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> GetOneService()
    {
        var bytes = await _http.GetByteArrayAsync("api/v1/namespaces/ns-7/services/svc-707");
        return bytes.Length;
    }

    /// <summary>List all 10,000 Services over HTTP, reading the whole JSON body.</summary>
    [Benchmark]
    public async Task<int> ListAllServicesRaw()
    {
        var bytes = await _http.GetByteArrayAsync("api/v1/services");
        return bytes.Length;
    }

    /// <summary>List all 10,000 Services with KubernetesClient, deserialized into V1ServiceList.</summary>
    [Benchmark]
    public async Task<int> ListAllServicesKubernetesClient()
    {
        var list = await _client.CoreV1.ListServiceForAllNamespacesAsync();
        return list.Items.Count;
    }

    /// <summary>Patch one Service and wait until all 100 watchers have read the MODIFIED event.</summary>
    [Benchmark]
    public async Task ChangeReachesEveryWatcher()
    {
        _allSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pending, WatcherCount);
        var change = ++_change;
        using var content = new StringContent(
            """{"metadata":{"labels":{"change":"CHANGE"}}}""".Replace("CHANGE", $"c{change}", StringComparison.Ordinal), Encoding.UTF8, new MediaTypeHeaderValue("application/merge-patch+json"));
        using var response = await _http.PatchAsync("api/v1/namespaces/ns-3/services/svc-303", content);
        response.EnsureSuccessStatusCode();
        await _allSeen.Task;
    }

    private async Task WatchAsync(string resourceVersion)
    {
        using var response = await _http.GetAsync($"api/v1/services?watch=true&resourceVersion={resourceVersion}", HttpCompletionOption.ResponseHeadersRead, _stop.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is not null)
            {
                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    _allSeen.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static string ServiceJson(int i)
    {
        var ns = i % NamespaceCount;
        var type = i % 8 == 0 ? "LoadBalancer" : "ClusterIP"; // 1,250 LoadBalancers x 2 ports fit the 2,768 node ports
        return $$$"""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-{{{i}}}","namespace":"ns-{{{ns}}}","labels":{"app":"app-{{{i}}}","tier":"web"}},
             "spec":{"type":"{{{type}}}","selector":{"app":"app-{{{i}}}"},
                     "ports":[{"name":"http","port":80,"targetPort":8080},{"name":"https","port":443,"targetPort":8443}]}}
            """;
    }
}
