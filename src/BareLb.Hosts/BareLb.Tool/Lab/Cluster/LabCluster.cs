using System.Globalization;
using System.Net;
using BareLb.Lab;
using BareLb.Lab.Commands;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;
using k8s;
using k8s.Models;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// A small Kubernetes cluster on this machine for <c>barelb lab</c> and its tests: three nodes, a client, the API
/// server and two pod hosts in network namespaces on one bridge (198.18.35.0/24 and 2001:db8:35::/64). The API is
/// BareLb's emulator, run as <c>barelb apiserver --listen</c> in the API namespace; a <see cref="NodeAgent"/> plays
/// the kubelet and runs whatever DaemonSets and Deployments are applied (BareLb's manifests: the controller and one
/// speaker per node, as real processes); a <see cref="KubeProxyStandIn"/> plays kube-proxy in IPVS mode; and the
/// guide's four dashboards exist as Services with EndpointSlices, answered by <see cref="DashboardServers"/>.
/// Disposing removes everything (so does Ctrl+C: <see cref="NetworkLab"/> hooks the signals).
/// </summary>
internal sealed class LabCluster : IAsyncDisposable
{
    /// <summary>The API server's port in the API namespace.</summary>
    public const int ApiPort = 6443;

    /// <summary>The ServiceAccounts of BareLb's manifests, each given a kubeconfig so that their RBAC applies.</summary>
    public static readonly IReadOnlyList<string> ServiceAccounts = ["metallb-system/controller", "metallb-system/speaker"];

    private static readonly string[] Manifests = ["namespace.yaml", "barelb.yaml"];
    private readonly Dictionary<string, string> _serviceAccountKubeconfigs = new(StringComparer.Ordinal);
    private LabProcess? _api;
    private KubeProxyStandIn? _proxy;
    private NodeAgent? _agent;
    private DashboardServers? _dashboards;
    private Kubernetes? _client;

    private LabCluster(NetworkLab lab, string binaries, TimeProvider time)
    {
        Lab = lab;
        Binaries = binaries;
        Time = time;
    }

    /// <summary>The lab's namespaces.</summary>
    public NetworkLab Lab { get; }

    /// <summary>Where <c>barelb.dll</c>, <c>barelb-controller.dll</c> and <c>barelb-speaker.dll</c> are.</summary>
    public string Binaries { get; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The administrator's kubeconfig (in the lab's directory).</summary>
    public string Kubeconfig => Path.Combine(Lab.Directory, "kubeconfig");

    /// <summary>A client of the API (its connections open in the API namespace).</summary>
    public Kubernetes Client => _client ?? throw new InvalidOperationException("The lab is not started.");

    /// <summary>The kubelet stand-in.</summary>
    public NodeAgent Agent => _agent ?? throw new InvalidOperationException("The lab is not started.");

    /// <summary>The kube-proxy stand-in.</summary>
    public KubeProxyStandIn Proxy => _proxy ?? throw new InvalidOperationException("The lab is not started.");

    /// <summary>The API server's process.</summary>
    public LabProcess Api => _api ?? throw new InvalidOperationException("The lab is not started.");

    /// <summary>The client namespace.</summary>
    public LabHost ClientHost => Lab.RequireClient();

    /// <summary>Builds the lab and starts the API server, the stand-ins and the dashboards' Services (no BareLb yet).</summary>
    public static async Task<LabCluster> StartAsync(string? prefix, TimeProvider time, CancellationToken cancellationToken)
    {
        var lab = NetworkLab.Create(new LabOptions { Prefix = prefix ?? "lab", Nodes = 3, PodHosts = 2 });
        var cluster = new LabCluster(lab, AppContext.BaseDirectory, time);
        try
        {
            await cluster.StartAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Installs BareLb as the guide does, without its configuration: <c>kubectl apply</c> of <c>namespace.yaml</c> and
    /// <c>barelb.yaml</c>, kube-proxy's strictARP turned on; returns once the controller and every speaker are ready.
    /// </summary>
    public async Task InstallBareLbAsync(CancellationToken cancellationToken)
    {
        foreach (var file in Manifests)
        {
            var applied = Kubectl("apply", "-f", Path.Combine(Binaries, "deploy", file));
            if (!applied.Succeeded)
            {
                throw Failure($"kubectl apply -f {file}: {applied.Error}");
            }
        }

        var strict = Kubectl("patch", "configmap", "kube-proxy", "-n", "kube-system", "--type=merge", "-p",
            "{\"data\":{\"config.conf\":" + System.Text.Json.JsonSerializer.Serialize(KubeProxyStandIn.ConfigConf(strictArp: true)) + "}}");
        if (!strict.Succeeded)
        {
            throw Failure($"turning strictARP on: {strict.Error}");
        }

        await Agent.WaitUntilReadyAsync(["controller", "speaker"], TimeSpan.FromSeconds(90), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies YAML with kubectl; throws with the lab's state when it fails.</summary>
    public string Apply(string yaml)
    {
        var file = Path.Combine(Lab.Directory, $"apply-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        var applied = Kubectl("apply", "-f", file);
        return applied.Succeeded ? applied.Output : throw Failure($"kubectl apply failed: {applied.Error}\n{yaml}");
    }

    /// <summary>Runs kubectl as a user types it, from the API namespace with the administrator's kubeconfig.</summary>
    public CommandResult Kubectl(params string[] arguments) => Lab.Api!.TryExec("kubectl", ["--kubeconfig", Kubeconfig, .. arguments]);

    /// <summary>Runs a shell pipeline (kubectl and friends) in the API namespace with <c>KUBECONFIG</c> set.</summary>
    public CommandResult Shell(string pipeline, IReadOnlyDictionary<string, string>? environment = null)
    {
        var variables = new List<string> { "KUBECONFIG=" + Kubeconfig };
        variables.AddRange((environment ?? new Dictionary<string, string>()).Select(static p => $"{p.Key}={p.Value}"));
        return Lab.Api!.TryExec("env", [.. variables, "sh", "-c", pipeline]);
    }

    /// <summary>Runs curl from the client namespace: <c>curl -sS --max-time 3 URL</c>.</summary>
    public CommandResult Curl(IPAddress address, int port) =>
        ClientHost.TryExec("curl", "-sS", "--max-time", "3", $"http://{new IPEndPoint(address, port)}/");

    /// <summary>The node (index) whose MAC the client's neighbour table holds for <paramref name="address"/>, or -1.</summary>
    public int NodeInClientCache(IPAddress address) => ClientHost.Neighbour(address) is { } mac ? NodeWithMac(mac) : -1;

    /// <summary>The node whose eth0 has <paramref name="mac"/>: its index, or -1.</summary>
    public int NodeWithMac(string mac)
    {
        for (var i = 0; i < Lab.Nodes.Count; i++)
        {
            if (string.Equals(Lab.Nodes[i].Mac, mac, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Everything worth reading when a step fails: the agent's Pods and logs, the API server's tail.</summary>
    public string Describe() => $"{_agent?.Describe()}\n--- api\n{_api?.Tail()}\n--- kube-proxy stand-in: {_proxy?.LastError ?? "no error"}";

    /// <summary>Stops the dashboards, the stand-ins, every Pod and the API server, and removes the lab.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_dashboards is not null)
        {
            await _dashboards.DisposeAsync().ConfigureAwait(false);
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync().ConfigureAwait(false);
        }

        if (_agent is not null)
        {
            await _agent.DisposeAsync().ConfigureAwait(false);
        }

        _client?.Dispose();
        _api?.Dispose();
        Lab.Dispose();
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var api = Lab.Api!;
        _api = api.Start("dotnet", [Path.Combine(Binaries, "barelb.dll"), "apiserver",
            "--listen", $"{api.Ipv4}:{ApiPort.ToString(CultureInfo.InvariantCulture)}", "--kubeconfig", Kubeconfig,
            "--service-cidr", "10.96.0.0/12,2001:db8:ffff::/112",
            .. ServiceAccounts.SelectMany(static a => new[] { "--service-account", a })], null);
        await _api.WaitForLineAsync(static l => l.Text.StartsWith("kubeconfig:", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        foreach (var line in _api.Lines.Select(static l => l.Text).Where(static t => t.StartsWith("service account ", StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            _serviceAccountKubeconfigs[line["service account ".Length..colon]] = line[(colon + 2)..];
        }

        _client = NamespaceConnections.Kubernetes(Kubeconfig, api.Namespace);
        await Client.CoreV1.CreateNamespacedConfigMapAsync(KubeProxyStandIn.ConfigMap(), "kube-system", cancellationToken: cancellationToken).ConfigureAwait(false);
        _agent = new NodeAgent(Client, Lab, Binaries, account => _serviceAccountKubeconfigs.GetValueOrDefault(account, Kubeconfig), Time);
        await _agent.StartAsync(cancellationToken).ConfigureAwait(false);
        _proxy = new KubeProxyStandIn(Client, Lab, Time);
        _proxy.Start();
        _dashboards = await DashboardServers.StartAsync(Lab, _proxy, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < GuideDashboard.All.Count; i++)
        {
            var dashboard = GuideDashboard.All[i];
            var node = Lab.Nodes[i % Lab.Nodes.Count];
            await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = dashboard.Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);
            await Client.CoreV1.CreateNamespacedServiceAsync(dashboard.Service(), dashboard.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            await Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(dashboard.EndpointSlice(node.Role, node.Ipv4), dashboard.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The address with host number <paramref name="host"/> in the lab's IPv4 subnet (the guide's 192.168.35.host).</summary>
    public IPAddress Address(int host) => LabAddressing.Host(Lab.Options.Ipv4Subnet, host);

    /// <summary>Throws a <see cref="LabException"/> with <see cref="Describe"/> appended.</summary>
    public LabException Failure(string what) => new($"{what}\n{Describe()}");
}
