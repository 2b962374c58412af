using System.Text;
using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>
/// The in-memory API server with the guide's set-up (the namespace <c>metallb-system</c> holding the legacy ConfigMap
/// <c>config</c>, and the namespace <c>apps</c> for Services), and the real Service controller started on it as the
/// host does; assertions read what the API shows.
/// </summary>
internal sealed class ScenarioCluster : IAsyncDisposable
{
    public const string Namespace = "apps";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly List<RunningController> _controllers = [];

    private ScenarioCluster(KubeApiServer server, Kubernetes client)
    {
        Server = server;
        Client = client;
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public KubeApiServer Server { get; }

    public Kubernetes Client { get; }

    /// <summary>The guide's pool.</summary>
    public static LegacyPool[] GuidePools { get; } = [new("default", ["192.168.35.100-192.168.35.110"])];

    /// <summary>Starts the server with the given pools in the ConfigMap (none: no ConfigMap).</summary>
    public static async Task<ScenarioCluster> StartAsync(LegacyPool[] pools, KubeApiServerOptions? options = null)
    {
        var server = await KubeApiServer.StartAsync(options, Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{Namespace}}}"}}""");
        var cluster = new ScenarioCluster(server, new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath)));
        if (pools.Length > 0)
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "config" }, Data = new Dictionary<string, string> { ["config"] = LegacyConfig(pools) } },
                "metallb-system",
                cancellationToken: Ct);
        }

        return cluster;
    }

    /// <summary>Starts the server with the given pools and a ready controller on it.</summary>
    public static async Task<ScenarioCluster> StartWithControllerAsync(LegacyPool[] pools, KubeApiServerOptions? options = null, string? loadBalancerClass = null)
    {
        var cluster = await StartAsync(pools, options);
        await cluster.StartControllerAsync(loadBalancerClass);
        return cluster;
    }

    /// <summary>The <c>config</c> key of MetalLB's legacy ConfigMap for these pools.</summary>
    public static string LegacyConfig(IEnumerable<LegacyPool> pools)
    {
        var text = new StringBuilder("address-pools:\n");
        foreach (var pool in pools)
        {
            text.Append("- name: ").Append(pool.Name).Append("\n  protocol: layer2\n  addresses:\n");
            foreach (var range in pool.Addresses)
            {
                text.Append("  - ").Append(range).Append('\n');
            }

            if (!pool.AutoAssign)
            {
                text.Append("  auto-assign: false\n");
            }
        }

        return text.ToString();
    }

    /// <summary>Replaces the pools in the ConfigMap, as <c>kubectl apply</c> of an edited file would.</summary>
    public Task ConfigureAsync(params LegacyPool[] pools) =>
        Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(KubeJson.Serialize(new V1ConfigMap { Data = new Dictionary<string, string> { ["config"] = LegacyConfig(pools) } }), V1Patch.PatchType.MergePatch),
            "config",
            "metallb-system",
            cancellationToken: Ct);

    /// <summary>Starts a controller as the host does (the ConfigMap's pools, the real writer, counted) and waits until it is ready.</summary>
    public async Task<RunningController> StartControllerAsync(string? loadBalancerClass = null, bool waitUntilReady = true)
    {
        var writer = new CountingWriter(new KubernetesServiceWriter(ApiConnection.Of(Client), "barelb-controller"));
        var host = ServiceControllerHost.Create(ApiConnection.Of(Client), writer: writer, loadBalancerClass: loadBalancerClass);
        var running = new RunningController(host, writer);
        _controllers.Add(running);
        if (waitUntilReady)
        {
            await host.Controller.WaitUntilReadyAsync(Ct).WaitAsync(Patience, Ct);
        }

        return running;
    }

    /// <summary>
    /// Returns once the controller started last has acted on every change made so far and is idle (see
    /// <see cref="Settling"/>): what it has not done by then, it will not do.
    /// </summary>
    public Task SettledAsync() => Settling.SettledAsync(Client, _controllers[^1].Host);

    /// <summary>Stops every controller started so far, as the end of their leadership terms would.</summary>
    public async Task StopControllersAsync()
    {
        foreach (var controller in _controllers)
        {
            await controller.DisposeAsync();
        }
    }

    /// <summary>Creates a LoadBalancer Service in <see cref="Namespace"/> with TCP port 80 unless <paramref name="edit"/> says otherwise.</summary>
    public Task<V1Service> CreateAsync(string name, Action<V1Service>? edit = null)
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = name, Annotations = new Dictionary<string, string>() },
            Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }] },
        };
        edit?.Invoke(service);
        return Client.CoreV1.CreateNamespacedServiceAsync(service, Namespace, cancellationToken: Ct);
    }

    /// <summary>Applies a JSON merge patch to a Service of <see cref="Namespace"/>.</summary>
    public Task<V1Service> PatchAsync(string name, string mergePatch) =>
        Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(mergePatch, V1Patch.PatchType.MergePatch), name, Namespace, cancellationToken: Ct);

    public Task DeleteAsync(string name) => Client.CoreV1.DeleteNamespacedServiceAsync(name, Namespace, cancellationToken: Ct);

    public Task<V1Service> GetAsync(string name) => Client.CoreV1.ReadNamespacedServiceAsync(name, Namespace, cancellationToken: Ct);

    /// <summary>The addresses the Service shows.</summary>
    public static IReadOnlyList<string> IngressOf(V1Service service) =>
        service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip).ToList() ?? [];

    /// <summary>Waits until the Service shows <paramref name="count"/> addresses, each with ipMode VIP, and the pool annotation.</summary>
    public async Task<IReadOnlyList<string>> IngressAsync(string name, int count = 1)
    {
        var service = await WaitForAsync(name, s => IngressOf(s).Count == count && PoolOf(s) is not null, $"{count} ingress address(es) and the pool annotation");
        Assert.All(service.Status.LoadBalancer.Ingress, i => Assert.Equal("VIP", i.IpMode));
        return IngressOf(service);
    }

    /// <summary>The pool annotation the controller wrote, or null.</summary>
    public static string? PoolOf(V1Service service) =>
        service.Metadata.Annotations?.TryGetValue("metallb.io/ip-allocated-from-pool", out var pool) == true ? pool : null;

    /// <summary>Waits until the Service shows no address and no pool annotation.</summary>
    public Task<V1Service> NoIngressAsync(string name) =>
        WaitForAsync(name, s => IngressOf(s).Count == 0 && PoolOf(s) is null, "no ingress address and no pool annotation");

    /// <summary>Polls the Service until <paramref name="condition"/> holds; fails, saying what was awaited and what it shows, after a generous time.</summary>
    public async Task<V1Service> WaitForAsync(string name, Func<V1Service, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var service = await GetAsync(name);
            if (condition(service))
            {
                return service;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Namespace}/{name} never showed {what}; it shows [{string.Join(", ", IngressOf(service))}] from pool {PoolOf(service) ?? "(none)"}");
            }

            await Task.Delay(20, Ct);
        }
    }

    /// <summary>The events recorded for a Service, oldest first.</summary>
    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string name)
    {
        var events = await Client.CoreV1.ListNamespacedEventAsync(Namespace, fieldSelector: $"involvedObject.name={name}", cancellationToken: Ct);
        return [.. events.Items];
    }

    /// <summary>Waits for an event of <paramref name="reason"/> on the Service whose message contains <paramref name="text"/>.</summary>
    public async Task<Corev1Event> EventAsync(string name, string reason, string text = "")
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var events = await EventsAsync(name);
            if (events.FirstOrDefault(e => e.Reason == reason && e.Message.Contains(text, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{Namespace}/{name} never got a {reason} event saying \"{text}\"; it has: {string.Join(" | ", events.Select(e => $"{e.Reason}: {e.Message}"))}");
            }

            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Every Service of <see cref="Namespace"/> by name.</summary>
    public async Task<Dictionary<string, V1Service>> ServicesAsync() =>
        (await Client.CoreV1.ListNamespacedServiceAsync(Namespace, cancellationToken: Ct)).Items.ToDictionary(s => s.Metadata.Name);

    public async ValueTask DisposeAsync()
    {
        await StopControllersAsync();
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
