using System.Globalization;
using System.Net;
using System.Text;
using BareLb.Lab.Capture;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Hosts.Tests.KubeSpeaker;

/// <summary>
/// A cluster in network namespaces: the API emulator (<c>barelb apiserver --listen</c>) in the API namespace, the
/// Nodes, speaker Pods, a pool, an L2Advertisement and LoadBalancer Services with endpoints written with kubectl, and
/// one <c>barelb-speaker</c> process per node namespace, started with the environment and arguments of MetalLB's
/// manifest. The Services' addresses sit on <c>kube-ipvs0</c> in every node, so only a speaker answers for them.
/// </summary>
internal sealed class KubeSpeakerLab : IDisposable
{
    public const int ApiPort = 6443;

    private readonly List<LabProcess?> _speakers = [];
    private LabProcess? _api;

    private KubeSpeakerLab(NetworkLab lab) => Lab = lab;

    public NetworkLab Lab { get; }

    public string Kubeconfig => Path.Combine(Lab.Directory, "kubeconfig");

    public string SecretDirectory => Path.Combine(Lab.Directory, "ml_secret_key");

    public IPAddress V4 => LabAddressing.Service(Lab.Options.Ipv4Subnet, 0);

    public IPAddress V6 => LabAddressing.Service(Lab.Options.Ipv6Subnet, 0);

    public IReadOnlyList<LabProcess?> Speakers => _speakers;

    /// <summary>The Go memberlist agent on the fourth node, when the lab has one.</summary>
    public LabProcess? GoAgent { get; private set; }

    /// <summary>
    /// Builds the lab with three BareLb speakers and, when <paramref name="goAgent"/> is given, a fourth node whose
    /// "speaker" is Debian's Go memberlist agent configured as MetalLB's speaker (a node of a cluster in the middle of a
    /// migration), started from that path with the lab's secret; the BareLb speakers join it.
    /// </summary>
    public static async Task<KubeSpeakerLab> StartAsync(CancellationToken cancellationToken, string? goAgent = null)
    {
        var v4 = LabAddressing.Service(IPNetwork.Parse("198.18.35.0/24"), 0);
        var v6 = LabAddressing.Service(IPNetwork.Parse("2001:db8:35::/64"), 0);
        var lab = NetworkLab.Create(new LabOptions { Nodes = goAgent is null ? 3 : 4, KubeIpvsAddresses = [v4, v6] });
        var cluster = new KubeSpeakerLab(lab);
        try
        {
            await cluster.StartApiAsync(cancellationToken);
            cluster.Seed();
            for (var i = 0; i < 3; i++)
            {
                cluster._speakers.Add(cluster.StartSpeaker(i));
            }

            if (goAgent is not null)
            {
                var node = lab.Nodes[3];
                cluster.GoAgent = node.Start(goAgent, ["-name", node.Role, "-bind", node.Ipv4.ToString(), "-port", "7946", "-secret-file", Path.Combine(cluster.SecretDirectory, "secretkey")], null);
                // The BareLb speakers find it as they find every speaker: its Pod's podIP. They join it.
                await cluster.GoAgent.WaitForLineAsync(static l => l.Text.StartsWith("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
            }

            foreach (var speaker in cluster._speakers)
            {
                await speaker!.WaitForLineAsync(static l => l.Text.Contains("barelb-speaker on node", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
            }

            await cluster.WaitForSteadyMembershipAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Starts node <paramref name="index"/>'s speaker as MetalLB's DaemonSet would.</summary>
    public LabProcess StartSpeaker(int index)
    {
        var node = Lab.Nodes[index];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["METALLB_NODE_NAME"] = node.Role,
            ["METALLB_POD_NAME"] = "speaker-" + node.Role,
            ["METALLB_HOST"] = node.Ipv4.ToString(),
            ["METALLB_ML_BIND_ADDR"] = node.Ipv4.ToString(),
            ["METALLB_ML_LABELS"] = "app=metallb,component=speaker",
            ["METALLB_ML_SECRET_KEY_PATH"] = SecretDirectory,
        };
        return node.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "barelb-speaker.dll"), "--port=7472", "--log-level=info", "--kubeconfig", Kubeconfig], environment);
    }

    /// <summary>
    /// Waits until every speaker has seen every other join and no speaker has logged a membership change for a while:
    /// speakers started together on a loaded machine suspect each other for a moment before they settle.
    /// </summary>
    public async Task WaitForSteadyMembershipAsync(CancellationToken cancellationToken)
    {
        var quiet = TimeSpan.FromSeconds(1.5);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var lines = _speakers.Select(static s => s!.Lines).ToArray();
            var joined = lines.Select((l, i) => Lab.Nodes.Where((_, j) => j != i).All(n => l.Any(x => x.Text.Contains($"Speaker {n.Role}: Joined", StringComparison.Ordinal) || x.Text.Contains($"Member {n.Role} joined", StringComparison.Ordinal)))).All(static b => b);
            var last = lines.SelectMany(static l => l).Where(static l => l.Text.Contains("SpeakerMembership[5141]", StringComparison.Ordinal)).Select(static l => l.Time).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
            if (joined && DateTimeOffset.UtcNow - last > quiet)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("The speakers' membership did not settle within 30 s\n" + Logs());
    }

    public void Replace(int index, LabProcess? speaker) => _speakers[index] = speaker;

    /// <summary>Runs kubectl against the emulator, from the API namespace.</summary>
    public string Kubectl(params string[] arguments) => Lab.Api!.Exec("kubectl", ["--kubeconfig", Kubeconfig, .. arguments]);

    public string Apply(string yaml)
    {
        var file = Path.Combine(Lab.Directory, $"apply-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return Kubectl("apply", "-f", file);
    }

    /// <summary>
    /// The node that answers <paramref name="address"/> now: the one MAC that answers two ARP requests from the client
    /// (asked again while the speakers still settle, for up to 10 s), as an index into the nodes.
    /// </summary>
    public async Task<(int Node, string Mac)> OwnerAsync(NeighbourCapture capture, IPAddress address, CancellationToken cancellationToken)
    {
        var client = Lab.RequireClient();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var since = DateTimeOffset.UtcNow;
            client.TryExec("arping", "-c", "2", "-w", "2", "-I", "eth0", address.ToString());
            await Task.Delay(50, cancellationToken); // tcpdump's line for the last reply
            if (capture.AnswerersOf(address, since) is [var mac] && NodeWithMac(mac) is var node and >= 0)
            {
                return (node, mac);
            }
        }

        throw new TimeoutException($"No single answerer for {address} within 10 s\n{Logs()}");
    }

    /// <summary>The node whose speaker answers <paramref name="address"/> according to the MAC: the index, or -1.</summary>
    public int NodeWithMac(string mac) =>
        Lab.Nodes.Select((n, i) => (n, i)).FirstOrDefault(p => string.Equals(p.n.Mac, mac, StringComparison.OrdinalIgnoreCase), (null!, -1)).Item2;

    public string Logs() => string.Join("\n", _speakers.Select((s, i) => $"--- n{i + 1}\n{Quiet(s)}")) + $"\n--- api\n{_api?.Tail()}";

    // The speakers' lines but the membership's suspicions and refutations, which a loaded machine makes many of.
    private static string Quiet(LabProcess? speaker) => speaker is null ? "" : string.Join("\n", speaker.Lines
        .Select(static l => l.Text)
        .Where(static t => !t.Contains("suspect", StringComparison.OrdinalIgnoreCase) && !t.Contains("Refuting", StringComparison.Ordinal) && !t.Contains("alive again", StringComparison.Ordinal) && !t.Contains(": Alive", StringComparison.Ordinal))
        .TakeLast(60));

    public void Dispose()
    {
        foreach (var speaker in _speakers)
        {
            speaker?.Dispose();
        }

        GoAgent?.Dispose();
        _api?.Dispose();
        Lab.Dispose();
    }

    private async Task StartApiAsync(CancellationToken cancellationToken)
    {
        _api = Lab.Api!.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "barelb.dll"), "apiserver",
            "--listen", $"{Lab.Api.Ipv4}:{ApiPort.ToString(CultureInfo.InvariantCulture)}", "--kubeconfig", Kubeconfig,
            "--service-cidr", "10.96.0.0/12,2001:db8:ffff::/112"], null);
        await _api.WaitForLineAsync(static l => l.Text.StartsWith("kubeconfig:", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);
        Directory.CreateDirectory(SecretDirectory);
        File.WriteAllText(Path.Combine(SecretDirectory, "secretkey"), "a-memberlist-secret-for-the-lab");
    }

    private void Seed()
    {
        var crds = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "barelb.yaml"));
        var documents = crds.Split("\n---", StringSplitOptions.RemoveEmptyEntries).Where(static d => d.Contains("kind: CustomResourceDefinition", StringComparison.Ordinal));
        Apply(string.Join("\n---", documents));
        var yaml = new StringBuilder("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: metallb-system\n");
        foreach (var node in Lab.Nodes)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                ---
                apiVersion: v1
                kind: Node
                metadata:
                  name: {node.Role}
                  labels:
                    kubernetes.io/hostname: {node.Role}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: speaker-{node.Role}
                  namespace: metallb-system
                  labels:
                    app: metallb
                    component: speaker
                spec:
                  nodeName: {node.Role}
                  hostNetwork: true
                  containers:
                  - name: speaker
                    image: barelb/speaker:0.1.0

                """);
        }

        yaml.Append(CultureInfo.InvariantCulture, $"""
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: lab
              namespace: metallb-system
            spec:
              addresses:
              - {V4}/32
              - {V6}/128
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata:
              name: lab
              namespace: metallb-system
            spec:
              ipAddressPools: [lab]

            """);
        Apply(yaml.ToString());
        foreach (var node in Lab.Nodes)
        {
            Kubectl("patch", "pod", "speaker-" + node.Role, "-n", "metallb-system", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"phase\":\"Running\",\"podIP\":\"" + node.Ipv4 + "\",\"hostIP\":\"" + node.Ipv4 + "\",\"podIPs\":[{\"ip\":\"" + node.Ipv4 + "\"}]}}");
        }
    }

    /// <summary>A LoadBalancer Service with one ready endpoint on node n1, its address in its status.</summary>
    public void AddService(string name, IPAddress address)
    {
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        Apply($"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: default
            spec:
              type: LoadBalancer
              ipFamilies: [{(v6 ? "IPv6" : "IPv4")}]
              ports:
              - port: 80
                protocol: TCP
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {name}-x1
              namespace: default
              labels:
                kubernetes.io/service-name: {name}
            addressType: {(v6 ? "IPv6" : "IPv4")}
            endpoints:
            - addresses: ["{(v6 ? Lab.Nodes[0].Ipv6 : Lab.Nodes[0].Ipv4)}"]
              conditions:
                ready: true
                serving: true
              nodeName: {Lab.Nodes[0].Role}
            ports:
            - port: 80
              protocol: TCP

            """);
        Kubectl("patch", "service", name, "-n", "default", "--subresource=status", "--type=merge", "-p",
            "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + address + "\",\"ipMode\":\"VIP\"}]}}}");
    }
}
