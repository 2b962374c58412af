using System.Globalization;
using System.Net;
using BareLb.Lab.Capture;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Kube;

/// <summary>
/// A Kubernetes cluster in a lab's namespaces for BareLb's Kubernetes speaker: the API emulator (<c>barelb apiserver
/// --listen</c>) in the API namespace, seeded with kubectl with BareLb's CRDs, the Nodes, speaker Pods (host network,
/// running, their podIP the node's address), an IPAddressPool and an L2Advertisement; and one <c>barelb-speaker</c>
/// process per node, started with the environment and arguments of MetalLB's manifest. The pool's addresses must sit
/// on <c>kube-ipvs0</c> in every node (<see cref="LabOptions.KubeIpvsAddresses"/>), so that only a speaker answers for
/// them. Used by the speaker's namespace tests and the failover benchmark; needs root and kubectl.
/// </summary>
public sealed class KubeSpeakerCluster : IDisposable
{
    /// <summary>The API server's port in the API namespace.</summary>
    public const int ApiPort = 6443;

    /// <summary>The speakers' metrics and health port (<c>--port</c>) in their nodes.</summary>
    public const int MetricsPort = 7472;

    private const string MembershipLog = "SpeakerMembership[5141]";
    private readonly LabProcess?[] _speakers;
    private readonly bool _ownsLab;
    private LabProcess? _api;

    private KubeSpeakerCluster(NetworkLab lab, KubeSpeakerClusterOptions options, bool ownsLab)
    {
        Lab = lab;
        Options = options;
        _ownsLab = ownsLab;
        _speakers = new LabProcess?[options.Speakers];
    }

    /// <summary>The lab the cluster runs in.</summary>
    public NetworkLab Lab { get; }

    /// <summary>What the cluster runs and announces.</summary>
    public KubeSpeakerClusterOptions Options { get; }

    /// <summary>The administrator's kubeconfig, written by the API server (in the lab's directory).</summary>
    public string Kubeconfig => Path.Combine(Lab.Directory, "kubeconfig");

    /// <summary>The memberlist Secret's directory, as mounted in MetalLB's speaker (<c>METALLB_ML_SECRET_KEY_PATH</c>).</summary>
    public string SecretDirectory => Path.Combine(Lab.Directory, "ml_secret_key");

    /// <summary>Each speaker node's speaker process (null before it is started), by node index.</summary>
    public IReadOnlyList<LabProcess?> Speakers => _speakers;

    /// <summary>The Go memberlist agent on the node after the speakers' nodes, when <see cref="KubeSpeakerClusterOptions.GoAgent"/> is set.</summary>
    public LabProcess? GoAgent { get; private set; }

    /// <summary>The nodes that run a member of the speakers' membership: the speakers' and the Go agent's.</summary>
    public IReadOnlyList<LabHost> Members => [.. Lab.Nodes.Take(Options.Speakers + (Options.GoAgent is null ? 0 : 1))];

    /// <summary>
    /// Builds a lab of <paramref name="labOptions"/> (which must have the API namespace) and the whole cluster in it:
    /// the API server, the seed, every speaker and the Go agent if any; returns once the membership is steady. The
    /// cluster owns the lab: disposing it removes the lab.
    /// </summary>
    /// <param name="labOptions">The lab to build.</param>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Stops the waits.</param>
    public static async Task<KubeSpeakerCluster> StartAsync(LabOptions labOptions, KubeSpeakerClusterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var lab = NetworkLab.Create(labOptions);
        var cluster = new KubeSpeakerCluster(lab, options, ownsLab: true);
        try
        {
            await cluster.StartApiAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < options.Speakers; i++)
            {
                cluster.StartSpeaker(i);
            }

            if (options.GoAgent is not null)
            {
                await cluster.StartGoAgentAsync(options.GoAgent, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < options.Speakers; i++)
            {
                await cluster.WaitForSpeakerStartAsync(i, cancellationToken).ConfigureAwait(false);
            }

            await cluster.WaitForSteadyMembershipAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the API server in <paramref name="lab"/>'s API namespace and seeds it; starts no speaker (see
    /// <see cref="StartSpeaker"/>). The lab stays the caller's: disposing the cluster stops its processes only.
    /// </summary>
    /// <param name="lab">A lab with the API namespace and at least <see cref="KubeSpeakerClusterOptions.Speakers"/> nodes.</param>
    /// <param name="options">What to run.</param>
    /// <param name="cancellationToken">Stops the waits.</param>
    public static async Task<KubeSpeakerCluster> PrepareAsync(NetworkLab lab, KubeSpeakerClusterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new KubeSpeakerCluster(lab, options, ownsLab: false);
        try
        {
            await cluster.StartApiAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts node <paramref name="index"/>'s speaker as MetalLB's DaemonSet would and records it in
    /// <see cref="Speakers"/> (the process it replaces is the caller's to dispose); does not wait for it.
    /// </summary>
    /// <param name="index">The node's index, below <see cref="KubeSpeakerClusterOptions.Speakers"/>.</param>
    public LabProcess StartSpeaker(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Options.Speakers);
        var node = Lab.Nodes[index];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["METALLB_NODE_NAME"] = node.Role,
            ["METALLB_POD_NAME"] = KubeSpeakerManifests.SpeakerPod(node),
            ["METALLB_HOST"] = node.Ipv4.ToString(),
            ["METALLB_ML_BIND_ADDR"] = node.Ipv4.ToString(),
            ["METALLB_ML_LABELS"] = "app=metallb,component=speaker",
            ["METALLB_ML_SECRET_KEY_PATH"] = SecretDirectory,
        };
        var arguments = Options.Speaker.Arguments([$"--port={MetricsPort.ToString(CultureInfo.InvariantCulture)}", "--log-level=info", "--kubeconfig", Kubeconfig]);
        return _speakers[index] = node.Start(Options.Speaker.File, arguments, environment);
    }

    /// <summary>Waits until node <paramref name="index"/>'s speaker has started (its banner line).</summary>
    /// <param name="index">The node's index.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public Task WaitForSpeakerStartAsync(int index, CancellationToken cancellationToken) =>
        (_speakers[index] ?? throw new InvalidOperationException($"The speaker of {Lab.Nodes[index].Role} is not started."))
            .WaitForLineAsync(static l => l.Text.Contains("barelb-speaker on node", StringComparison.Ordinal), Options.Patience, cancellationToken);

    /// <summary>
    /// Waits until every speaker has seen every other member join and no speaker has logged a membership change for
    /// 1.5 s: speakers started together on a loaded machine suspect each other for a moment before they settle.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task WaitForSteadyMembershipAsync(CancellationToken cancellationToken)
    {
        var quiet = TimeSpan.FromSeconds(1.5);
        var members = Members;
        var deadline = DateTimeOffset.UtcNow + Options.Patience;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var lines = _speakers.Select(static s => s?.Lines ?? []).ToArray();
            var joined = lines.Select((l, i) => members.Where((_, j) => j != i).All(n => l.Any(x => SawJoin(x.Text, n.Role)))).All(static b => b);
            var last = lines.SelectMany(static l => l).Where(static l => l.Text.Contains(MembershipLog, StringComparison.Ordinal)).Select(static l => l.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            if (joined && DateTimeOffset.UtcNow - last > quiet)
            {
                return;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"The speakers' membership did not settle within {Options.Patience.TotalSeconds:0} s\n" + Logs());
    }

    /// <summary>
    /// Whether a speaker's line says it saw <paramref name="member"/> join (the speaker's own log, or the membership
    /// library's); with <paramref name="orAlive"/>, also a suspected member found alive.
    /// </summary>
    /// <param name="line">The line.</param>
    /// <param name="member">The member's node name.</param>
    /// <param name="orAlive">Whether a line saying it is alive again counts.</param>
    public static bool SawJoin(string line, string member, bool orAlive = false)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Contains($"Speaker {member}: Joined", StringComparison.Ordinal)
            || line.Contains($"Member {member} joined", StringComparison.Ordinal)
            || (orAlive && line.Contains($"Speaker {member}: Alive", StringComparison.Ordinal));
    }

    /// <summary>Runs kubectl against the emulator, from the API namespace; returns its output.</summary>
    /// <param name="arguments">kubectl's arguments (the kubeconfig is added).</param>
    public string Kubectl(params string[] arguments) => RequireApi().Exec("kubectl", ["--kubeconfig", Kubeconfig, .. arguments]);

    /// <summary>Applies YAML with kubectl (written to a file in the lab's directory); returns kubectl's output.</summary>
    /// <param name="yaml">One or more documents.</param>
    public string Apply(string yaml)
    {
        var file = Path.Combine(Lab.Directory, $"apply-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return Kubectl("apply", "-f", file);
    }

    /// <summary>A LoadBalancer Service in <c>default</c> with one ready endpoint on the first node, its address in its status.</summary>
    /// <param name="name">The Service's name.</param>
    /// <param name="address">Its load-balancer address (one of the pool's).</param>
    public void AddService(string name, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Apply(KubeSpeakerManifests.Service(name, address, Lab.Nodes[0]));
        Kubectl("patch", "service", name, "-n", "default", "--subresource=status", "--type=merge", "-p", KubeSpeakerManifests.IngressStatus(address));
    }

    /// <summary>
    /// The node that answers <paramref name="address"/> now: the one MAC that answers two ARP requests from the client
    /// (asked again while the speakers still settle, for up to 10 s), as an index into the nodes, and that MAC.
    /// </summary>
    /// <param name="capture">A capture running on the client.</param>
    /// <param name="address">The IPv4 address.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    public async Task<(int Node, string Mac)> OwnerAsync(NeighbourCapture capture, IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(address);
        var client = Lab.RequireClient();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var since = DateTimeOffset.UtcNow;
            client.TryExec("arping", "-c", "2", "-w", "2", "-I", LabHost.Interface, address.ToString());
            await Task.Delay(50, cancellationToken).ConfigureAwait(false); // tcpdump's line for the last reply
            if (capture.AnswerersOf(address, since) is [var mac] && NodeWithMac(mac) is var node and >= 0)
            {
                return (node, mac);
            }
        }

        throw new TimeoutException($"No single answerer for {address} within 10 s\n{Logs()}");
    }

    /// <summary>The index of the node with MAC <paramref name="mac"/>, or -1.</summary>
    /// <param name="mac">A MAC address as the capture prints it.</param>
    public int NodeWithMac(string mac) =>
        Lab.Nodes.Select((n, i) => (n, i)).FirstOrDefault(p => string.Equals(p.n.Mac, mac, StringComparison.OrdinalIgnoreCase), (null!, -1)).Item2;

    /// <summary>
    /// The speakers' last 60 lines each, but the membership's suspicions and refutations (a loaded machine makes many),
    /// and the API server's last lines: for failure messages.
    /// </summary>
    public string Logs() => string.Join("\n", _speakers.Select((s, i) => $"--- {Lab.Nodes[i].Role}\n{Quiet(s)}")) + $"\n--- api\n{_api?.Tail()}";

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var speaker in _speakers)
        {
            speaker?.Dispose();
        }

        GoAgent?.Dispose();
        _api?.Dispose();
        if (_ownsLab)
        {
            Lab.Dispose();
        }
    }

    private static string Quiet(LabProcess? speaker) => speaker is null ? "" : string.Join("\n", speaker.Lines
        .Select(static l => l.Text)
        .Where(static t => !t.Contains("suspect", StringComparison.OrdinalIgnoreCase) && !t.Contains("Refuting", StringComparison.Ordinal) && !t.Contains("alive again", StringComparison.Ordinal) && !t.Contains(": Alive", StringComparison.Ordinal))
        .TakeLast(60));

    private LabHost RequireApi() => Lab.Api ?? throw new LabException("Kube speaker cluster: the lab has no API namespace (LabOptions.Api is false).");

    private async Task StartApiAsync(CancellationToken cancellationToken)
    {
        var api = RequireApi();
        if (Lab.Nodes.Count < Members.Count)
        {
            throw new LabException($"Kube speaker cluster: {Members.Count} members need as many nodes; the lab has {Lab.Nodes.Count}.");
        }

        _api = api.Start(Options.ApiServer.File, Options.ApiServer.Arguments(["apiserver",
            "--listen", $"{api.Ipv4}:{ApiPort.ToString(CultureInfo.InvariantCulture)}", "--kubeconfig", Kubeconfig,
            "--service-cidr", "10.96.0.0/12,2001:db8:ffff::/112"]), null);
        await _api.WaitForLineAsync(static l => l.Text.StartsWith("kubeconfig:", StringComparison.Ordinal), Options.Patience, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(SecretDirectory);
        await File.WriteAllTextAsync(Path.Combine(SecretDirectory, "secretkey"), "a-memberlist-secret-for-the-lab", cancellationToken).ConfigureAwait(false);
        Apply(KubeSpeakerManifests.Crds(await File.ReadAllTextAsync(Options.CrdManifest, cancellationToken).ConfigureAwait(false)));
        Apply(KubeSpeakerManifests.Seed(Members, Options.PoolAddresses));
        foreach (var node in Members)
        {
            Kubectl("patch", "pod", KubeSpeakerManifests.SpeakerPod(node), "-n", KubeSpeakerManifests.Namespace, "--subresource=status", "--type=merge", "-p", KubeSpeakerManifests.RunningPodStatus(node));
        }
    }

    private async Task StartGoAgentAsync(string agent, CancellationToken cancellationToken)
    {
        var node = Lab.Nodes[Options.Speakers];
        GoAgent = node.Start(agent, ["-name", node.Role, "-bind", node.Ipv4.ToString(), "-port", "7946", "-secret-file", Path.Combine(SecretDirectory, "secretkey")], null);
        // The BareLb speakers find it as they find every speaker: its Pod's podIP. They join it.
        await GoAgent.WaitForLineAsync(static l => l.Text.StartsWith("ready", StringComparison.Ordinal), Options.Patience, cancellationToken).ConfigureAwait(false);
    }
}
