using System.Text.Json;
using System.Diagnostics.Metrics;
using BareLb.Kube.Client;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Speaker;
using BareLb.Kube.Testing;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using BareLb.Kube.Informers;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>
/// The API emulator with MetalLB's CRDs, nodes, a speaker Pod per node, and a Layer2SpeakerController per node, each
/// with its own fake membership and recording sink. Objects seeded before <see cref="StartSpeakersAsync"/> are in the
/// first decision.
/// </summary>
internal sealed class SpeakerRig : IAsyncDisposable
{
    public const string Apps = "apps";
    public const string System = "metallb-system";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private SpeakerRig(KubeApiServer server, Kubernetes client, IReadOnlyList<string> nodes)
    {
        Server = server;
        Client = client;
        Nodes = nodes;
    }

    public KubeApiServer Server { get; }

    public Kubernetes Client { get; }

    public IReadOnlyList<string> Nodes { get; }

    public Dictionary<string, Speaker> Speakers { get; } = new(StringComparer.Ordinal);

    public static async Task<SpeakerRig> CreateAsync(params string[] nodes)
    {
        nodes = nodes.Length == 0 ? ["n1", "n2", "n3"] : nodes;
        var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        var rig = new SpeakerRig(server, client, nodes);
        foreach (var ns in new[] { System, Apps })
        {
            server.Seed($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{ns}}}"}}""");
        }

        foreach (var name in CrdManifests.Names)
        {
            var crd = KubeYaml.Deserialize<V1CustomResourceDefinition>(CrdManifests.Read(name)!);
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);
        }

        foreach (var node in nodes)
        {
            await rig.CreateNodeAsync(node);
            server.Seed($$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"speaker-{{{node}}}","namespace":"{{{System}}}","labels":{"app":"metallb","component":"speaker"}},"spec":{"nodeName":"{{{node}}}","containers":[{"name":"speaker","image":"barelb"}]}}""");
        }

        return rig;
    }

    public Task CreateNodeAsync(string name, IDictionary<string, string>? labels = null, bool networkUnavailable = false) =>
        Client.CoreV1.CreateNodeAsync(
            new V1Node
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
                Status = new V1NodeStatus
                {
                    Conditions =
                    [
                        new V1NodeCondition { Type = "Ready", Status = "True" },
                        new V1NodeCondition { Type = "NetworkUnavailable", Status = networkUnavailable ? "True" : "False" },
                    ],
                },
            },
            cancellationToken: Ct);

    public async Task PatchNodeAsync(string name, object patch) =>
        await Client.CoreV1.PatchNodeAsync(new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch), name, cancellationToken: Ct);

    public async Task PatchNodeStatusAsync(string name, bool networkUnavailable) =>
        await Client.CoreV1.PatchNodeStatusAsync(
            new V1Patch(
                JsonSerializer.Serialize(new { status = new { conditions = new object[] { new { type = "Ready", status = "True" }, new { type = "NetworkUnavailable", status = networkUnavailable ? "True" : "False" } } } }),
                V1Patch.PatchType.MergePatch),
            name,
            cancellationToken: Ct);

    /// <summary>An IPAddressPool and an L2Advertisement (spec given as JSON) selecting it.</summary>
    public async Task ConfigureAsync(string addresses = "198.18.0.0/24\",\"2001:db8::/120", string advertisementSpec = "")
    {
        await CreateCustomAsync(IPAddressPool.Plural, $$$"""{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"lab","namespace":"{{{System}}}"},"spec":{"addresses":["{{{addresses}}}"]}}""");
        await AdvertiseAsync("lab", advertisementSpec);
    }

    public Task AdvertiseAsync(string name, string spec = "") =>
        CreateCustomAsync(L2Advertisement.Plural, $$$"""{"apiVersion":"metallb.io/v1beta1","kind":"L2Advertisement","metadata":{"name":"{{{name}}}","namespace":"{{{System}}}"},"spec":{"ipAddressPools":["lab"]{{{(spec.Length == 0 ? "" : "," + spec)}}}}}""");

    public async Task CreateCustomAsync(string plural, string json)
    {
        using var document = global::System.Text.Json.JsonDocument.Parse(json);
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(document.RootElement.Clone(), MetalLbApi.Group, MetalLbApi.VersionOf(plural), System, plural, cancellationToken: Ct);
    }

    /// <summary>A LoadBalancer Service with the given addresses in its status.</summary>
    public async Task CreateServiceAsync(
        string name,
        string[] addresses,
        string type = "LoadBalancer",
        bool local = false,
        IDictionary<string, string>? labels = null,
        IDictionary<string, string>? annotations = null,
        string? loadBalancerClass = null)
    {
        await Client.CoreV1.CreateNamespacedServiceAsync(
            new V1Service
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = labels, Annotations = annotations },
                Spec = new V1ServiceSpec
                {
                    Type = type,
                    Ports = [new V1ServicePort { Port = 80 }],
                    ExternalTrafficPolicy = type == "ClusterIP" ? null : local ? "Local" : "Cluster",
                    LoadBalancerClass = loadBalancerClass,
                },
            },
            Apps,
            cancellationToken: Ct);
        await SetIngressAsync(name, addresses);
    }

    public async Task SetIngressAsync(string name, string[] addresses) =>
        await Client.CoreV1.PatchNamespacedServiceStatusAsync(
            new V1Patch(JsonSerializer.Serialize(new { status = new { loadBalancer = new { ingress = addresses.Select(a => new { ip = a }).ToArray() } } }), V1Patch.PatchType.MergePatch),
            name,
            Apps,
            cancellationToken: Ct);

    public async Task PatchServiceAsync(string name, object patch) =>
        await Client.CoreV1.PatchNamespacedServiceAsync(new V1Patch(JsonSerializer.Serialize(patch), V1Patch.PatchType.MergePatch), name, Apps, cancellationToken: Ct);

    /// <summary>An EndpointSlice for the Service with endpoints (node, ready, serving, terminating).</summary>
    public async Task CreateSliceAsync(string service, string sliceName, params (string? Node, bool? Ready, bool? Serving, bool? Terminating)[] endpoints) =>
        await Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(
            new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta { Name = sliceName, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
                AddressType = "IPv4",
                Endpoints = [.. endpoints.Select((e, i) => new V1Endpoint
                {
                    Addresses = [$"10.244.0.{i + 10}"],
                    NodeName = e.Node,
                    Conditions = e.Ready is null && e.Serving is null && e.Terminating is null ? null : new V1EndpointConditions { Ready = e.Ready, Serving = e.Serving, Terminating = e.Terminating },
                })],
            },
            Apps,
            cancellationToken: Ct);

    public Task ReadyEndpointAsync(string service, string node = "n1") => CreateSliceAsync(service, service + "-ready-" + node, (node, true, true, false));

    public async Task<Speaker> StartSpeakerAsync(
        string node,
        IEnumerable<string>? live = null,
        Action<Layer2SpeakerOptions>? configure = null,
        bool noMembership = false,
        IKubernetes? client = null,
        ILoggerFactory? loggerFactory = null,
        IReadOnlySet<string>? interfaces = null)
    {
        var membership = new FakeMembership(noMembership ? null : live ?? Nodes);
        var sink = new RecordingSink { NodeInterfaces = interfaces };
        var options = new Layer2SpeakerOptions { NodeName = node, PodName = "speaker-" + node, StatusRenewInterval = TimeSpan.FromMilliseconds(200), AbsentResourceRecheck = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        var controller = new Layer2SpeakerController(ApiConnection.Of(client ?? Client), membership, sink, options, loggerFactory, meterFactory: meters);
        await controller.StartAsync(Ct);
        var speaker = new Speaker(node, membership, sink, controller, provider, meters);
        Speakers[node] = speaker;
        await controller.WaitUntilReadyAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        return speaker;
    }

    public async Task StartSpeakersAsync(Action<Layer2SpeakerOptions>? configure = null)
    {
        foreach (var node in Nodes)
        {
            await StartSpeakerAsync(node, configure: configure);
        }
    }

    /// <summary>The nodes whose sinks announce the address now.</summary>
    public IReadOnlyList<string> Announcers(string address) => [.. Speakers.Values.Where(s => s.Sink.Announces(address)).Select(s => s.Node).Order(StringComparer.Ordinal)];

    /// <summary>Waits until every running speaker has decided on the API server's present state (its caches hold the Service's resourceVersion).</summary>
    public async Task SettleAsync(string service)
    {
        var current = (await Client.CoreV1.ReadNamespacedServiceAsync(service, Apps, cancellationToken: Ct)).Metadata.ResourceVersion;
        await Eventually.TrueAsync(() => Speakers.Values.All(s => s.Controller.Verdicts.ContainsKey($"{Apps}/{service}")), $"every speaker decided on {service} (resourceVersion {current})");
    }

    public async Task<IReadOnlyList<ServiceL2Status>> StatusesAsync()
    {
        var list = await ListWatch.ForCustomResource<ServiceL2Status>(ApiConnection.Of(Client), MetalLbApi.Group, "v1beta1", ServiceL2Status.Plural, System).ListAsync(Ct);
        return list.Items;
    }

    public async Task<IReadOnlyList<Corev1Event>> EventsAsync(string ns, string reason) =>
        [.. (await Client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: Ct)).Items.Where(e => e.Reason == reason)];

    public async ValueTask DisposeAsync()
    {
        foreach (var speaker in Speakers.Values)
        {
            await speaker.DisposeAsync();
        }

        Client.Dispose();
        await Server.DisposeAsync();
    }

    internal sealed class Speaker(string node, FakeMembership membership, RecordingSink sink, Layer2SpeakerController controller, ServiceProvider provider, IMeterFactory meters) : IAsyncDisposable
    {
        private bool _disposed;

        public string Node { get; } = node;

        public FakeMembership Membership { get; } = membership;

        public RecordingSink Sink { get; } = sink;

        public Layer2SpeakerController Controller { get; } = controller;

        public IMeterFactory Meters { get; } = meters;

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await Controller.DisposeAsync();
            await provider.DisposeAsync();
        }
    }
}
