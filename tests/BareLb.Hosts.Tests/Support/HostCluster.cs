using BareLb.Kube.Testing;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Hosts.Tests.Support;

/// <summary>
/// The in-memory API server with the guide's set-up for process tests: the namespace <c>metallb-system</c> holding
/// the legacy ConfigMap <c>config</c> with the guide's pool, and <c>apps</c> for Services. Waits poll conditions.
/// </summary>
internal sealed class HostCluster : IAsyncDisposable
{
    public const string Namespace = "apps";
    private static readonly TimeSpan Patience = Eventually.Scaled(TimeSpan.FromSeconds(20));

    private HostCluster(KubeApiServer server, Kubernetes client)
    {
        Server = server;
        Client = client;
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public KubeApiServer Server { get; }

    public Kubernetes Client { get; }

    /// <summary>Starts the server; with <paramref name="guidePool"/>, the ConfigMap holds the guide's pool 192.168.35.100-110.</summary>
    public static async Task<HostCluster> StartAsync(bool guidePool = true)
    {
        var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{Namespace}}}"}}""");
        var cluster = new HostCluster(server, new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath)));
        if (guidePool)
        {
            var guide = KubeYaml.Deserialize<V1ConfigMap>(Guide.MetalLbConfigYaml); // the guide's metallb_config.yaml
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(guide, guide.Metadata.NamespaceProperty, cancellationToken: Ct);
        }

        return cluster;
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

    public static IReadOnlyList<string> IngressOf(V1Service service) =>
        service.Status?.LoadBalancer?.Ingress?.Select(i => i.Ip).ToList() ?? [];

    /// <summary>Waits until the Service shows one address and returns the addresses.</summary>
    public async Task<IReadOnlyList<string>> IngressAsync(string name)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var service = await Client.CoreV1.ReadNamespacedServiceAsync(name, Namespace, cancellationToken: Ct);
            if (IngressOf(service) is [_] shown)
            {
                return shown;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{Namespace}/{name} never showed an address");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Every Service of <see cref="Namespace"/> by name.</summary>
    public async Task<Dictionary<string, V1Service>> ServicesAsync() =>
        (await Client.CoreV1.ListNamespacedServiceAsync(Namespace, cancellationToken: Ct)).Items.ToDictionary(s => s.Metadata.Name);

    /// <summary>Waits until <paramref name="count"/> Services show one address each; returns them by name.</summary>
    public async Task<Dictionary<string, string>> ConvergedAsync(int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var shown = (await ServicesAsync()).Values.Where(s => IngressOf(s) is [_]).ToDictionary(s => s.Metadata.Name, s => IngressOf(s)[0]);
            if (shown.Count >= count)
            {
                return shown;
            }

            Assert.True(DateTime.UtcNow < deadline, $"only {shown.Count} of {count} Services got an address");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>Who holds the controller's Lease, or null.</summary>
    public string? LeaseHolder() =>
        Server.Get("coordination.k8s.io/v1", "Lease", "metallb-system", "barelb-controller")?["spec"]?["holderIdentity"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
