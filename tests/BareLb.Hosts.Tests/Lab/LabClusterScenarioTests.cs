using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Capture;
using BareLb.Lab.Probing;
using BareLb.Tool.Lab.Cluster;

namespace BareLb.Hosts.Tests.Lab;

/// <summary>
/// The speaker's Layer 2 decisions end to end in the lab, with the real controller and three speakers installed from
/// deploy/barelb.yaml by kubectl (the node agent runs them as processes): a dual-stack Service, a Service with
/// <c>externalTrafficPolicy: Local</c> following its endpoint, and the membership port blocked on the announcing node
/// (a split of the membership that the API server still sees through). Needs root; about 30 s each.
/// </summary>
public sealed class LabClusterScenarioTests
{
    private const string Pool = """
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata:
          name: lab
          namespace: metallb-system
        spec:
          addresses:
          - 198.18.35.120-198.18.35.129
          - 2001:db8:35::120-2001:db8:35::129
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata:
          name: lab
          namespace: metallb-system
        """;

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ADualStackService_GetsOneAddressOfEachFamily_EachAnsweredByOneNode_AndReachedByCurl()
    {
        var ct = SkipUnlessRoot();
        await using var cluster = await StartAsync(ct);
        using var capture = await NeighbourCapture.StartAsync(cluster.ClientHost, cancellationToken: ct);
        cluster.Apply(Service("web", "[IPv4, IPv6]", "RequireDualStack", "Cluster", cluster, 0));

        var addresses = await AddressesAsync(cluster, "web", 2, ct);
        Assert.Equal([AddressFamily.InterNetwork, AddressFamily.InterNetworkV6], addresses.Select(static a => a.AddressFamily));
        foreach (var address in addresses)
        {
            var answer = await CurlAsync(cluster, address, ct);
            Assert.StartsWith($"web dashboard (default/web) at {new IPEndPoint(address, 80)}: served by node n", answer, StringComparison.Ordinal);
            Assert.Single(await AnswerersAsync(cluster, capture, address, ct));
        }
    }

    [Fact]
    public async Task WithExternalTrafficPolicyLocal_OnlyTheNodeWithTheEndpointAnswers_AndTheAddressFollowsTheEndpoint()
    {
        var ct = SkipUnlessRoot();
        await using var cluster = await StartAsync(ct);
        using var capture = await NeighbourCapture.StartAsync(cluster.ClientHost, cancellationToken: ct);
        cluster.Apply(Service("local", "[IPv4]", "SingleStack", "Local", cluster, 1));
        var address = Assert.Single(await AddressesAsync(cluster, "local", 1, ct));

        Assert.EndsWith("served by node n2", await CurlAsync(cluster, address, ct), StringComparison.Ordinal);
        Assert.Equal([cluster.Lab.Nodes[1].Mac], await AnswerersAsync(cluster, capture, address, ct));

        // The Pod moves to n3: its EndpointSlices say so (both families: MetalLB counts a node with a ready endpoint in
        // any of the Service's slices), and the address follows.
        cluster.Apply(Slice("local", "IPv4", cluster, 2) + "\n---\n" + Slice("local", "IPv6", cluster, 2));
        var n3 = cluster.Lab.Nodes[2].Mac;
        var deadline = DateTimeOffset.UtcNow + Settle;
        IReadOnlyList<string> answerers = [];
        while (DateTimeOffset.UtcNow < deadline && !answerers.SequenceEqual([n3]))
        {
            answerers = await AnswerersAsync(cluster, capture, address, ct);
        }

        Assert.True(answerers.SequenceEqual([n3]), $"answerers {string.Join(", ", answerers)}, not only n3 ({n3})\n{cluster.Describe()}");
        cluster.ClientHost.FlushNeighbour(address);
        Assert.EndsWith("served by node n3", await CurlAsync(cluster, address, ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheMembershipPortBlockedOnTheOwner_StillOneNodeAnswers_AndTheClientKeepsItsAddress()
    {
        var ct = SkipUnlessRoot();
        await using var cluster = await StartAsync(ct);
        using var capture = await NeighbourCapture.StartAsync(cluster.ClientHost, cancellationToken: ct);
        cluster.Apply(Service("web", "[IPv4]", "SingleStack", "Cluster", cluster, 0));
        var address = Assert.Single(await AddressesAsync(cluster, "web", 1, ct));
        await CurlAsync(cluster, address, ct);

        // Speakers just started on a loaded machine may still suspect each other for a moment: start from one answerer.
        var answerers = await AnswerersAsync(cluster, capture, address, ct);
        var settle = DateTimeOffset.UtcNow + Settle;
        while (answerers.Count != 1 && DateTimeOffset.UtcNow < settle)
        {
            answerers = await AnswerersAsync(cluster, capture, address, ct);
        }

        var ownerMac = Assert.Single(answerers);
        var owner = cluster.Lab.Nodes[cluster.NodeWithMac(ownerMac)];
        using var prober = Prober.Start(cluster.ClientHost, address);
        Assert.True(await prober.WaitForRepliesAsync(20, TimeSpan.FromSeconds(5), ct));

        // The owner cannot reach the others on 7946, nor they it: each side sees the other die. The API server still
        // shows the owner's ServiceL2Status renewed, so no one else announces.
        var blocked = DateTimeOffset.UtcNow;
        owner.BlockPort(ProtocolType.Udp, 7946);
        owner.BlockPort(ProtocolType.Tcp, 7946);
        try
        {
            var counting = await WaitUntilSplitAsync(cluster, owner.Role, blocked, ct);

            // A claim by another node at the split is over in a moment: sample once none has come for a second since
            // every other node counted the owner through the API server (a claim can start after the split is logged).
            var deadline = DateTimeOffset.UtcNow + Settle;
            while (DateTimeOffset.UtcNow < deadline)
            {
                var last = capture.Answers.LastOrDefault(a => a.Address.Equals(address) && !string.Equals(a.Mac, ownerMac, StringComparison.OrdinalIgnoreCase));
                var quietSince = last is not null && last.Time > counting ? last.Time : counting;
                if (DateTimeOffset.UtcNow - quietSince >= TimeSpan.FromSeconds(1))
                {
                    break;
                }

                await Task.Delay(100, ct);
            }

            for (var i = 0; i < 5; i++)
            {
                var now = await AnswerersAsync(cluster, capture, address, ct);
                Assert.True(now.SequenceEqual([ownerMac]), $"sample {i}: {string.Join(", ", now)} answer, not only the owner {owner.Role} ({ownerMac})\n{cluster.Describe()}");
            }
        }
        finally
        {
            owner.UnblockPort(ProtocolType.Udp, 7946);
            owner.UnblockPort(ProtocolType.Tcp, 7946);
        }

        // At the split a node that saw the owner die before the API server showed it alive may claim the address for a
        // moment; the owner then claims it again, after the last such claim.
        var answers = capture.Answers.Where(a => a.Address.Equals(address) && a.Time >= blocked).ToList();
        var others = answers.Where(a => !string.Equals(a.Mac, ownerMac, StringComparison.OrdinalIgnoreCase)).ToList();
        if (others.Count > 0)
        {
            Assert.True(others[^1].Time - others[0].Time < TimeSpan.FromSeconds(1), $"other nodes claimed {address} over more than a second: {string.Join(", ", others)}\n{cluster.Describe()}");
            Assert.Contains(answers, a => a.Kind != NeighbourAnswerKind.ArpReply && a.Time > others[^1].Time && string.Equals(a.Mac, ownerMac, StringComparison.OrdinalIgnoreCase));
        }

        var report = prober.Report(blocked, DateTimeOffset.UtcNow);
        Assert.True(report.Lost == 0, $"{report.Lost} probes lost while the membership was split\n{report.Timeline}");
    }

    private static CancellationToken SkipUnlessRoot()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "The lab needs root (network namespaces, raw sockets); CI runs it as root.");
        return TestContext.Current.CancellationToken;
    }

    private static async Task<LabCluster> StartAsync(CancellationToken ct)
    {
        var cluster = await LabCluster.StartAsync("lc" + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture), TimeProvider.System, ct);
        try
        {
            await cluster.InstallBareLbAsync(ct);
            cluster.Apply(Pool);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static string Service(string name, string families, string policy, string trafficPolicy, LabCluster cluster, int node) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: default
        spec:
          type: LoadBalancer
          ipFamilies: {families}
          ipFamilyPolicy: {policy}
          externalTrafficPolicy: {trafficPolicy}
          ports:
          - port: 80
            protocol: TCP
        ---
        {Slice(name, "IPv4", cluster, node)}
        ---
        {Slice(name, "IPv6", cluster, node)}
        """;

    private static string Slice(string service, string family, LabCluster cluster, int node)
    {
        var host = cluster.Lab.Nodes[node];
        return $"""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {service}-{family.ToLowerInvariant()}
              namespace: default
              labels:
                kubernetes.io/service-name: {service}
            addressType: {family}
            endpoints:
            - addresses: ["{(family == "IPv4" ? host.Ipv4 : host.Ipv6)}"]
              nodeName: {host.Role}
              conditions:
                ready: true
                serving: true
            ports:
            - port: 80
              protocol: TCP
            """;
    }

    private static async Task<IReadOnlyList<IPAddress>> AddressesAsync(LabCluster cluster, string service, int count, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + Settle;
        while (true)
        {
            var text = cluster.Kubectl("get", "service", service, "-n", "default", "-o", "jsonpath={.status.loadBalancer.ingress[*].ip}").Output;
            var addresses = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(IPAddress.Parse).ToList();
            if (addresses.Count == count)
            {
                await Task.WhenAll(addresses.Select(a => cluster.Proxy.WaitForAsync(a, Settle, ct)));
                return addresses;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"{service} has {text}, not {count} addresses\n{cluster.Describe()}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<string> CurlAsync(LabCluster cluster, IPAddress address, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + Settle;
        while (true)
        {
            var result = cluster.Curl(address, 80);
            if (result.Succeeded)
            {
                return result.Output.Trim();
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"curl {address}: {result.Error}\n{cluster.Describe()}");
            await Task.Delay(200, ct);
        }
    }

    // Who answers a fresh question for the address: the MACs in the replies to two ARP requests or NDP solicitations.
    private static async Task<IReadOnlyList<string>> AnswerersAsync(LabCluster cluster, NeighbourCapture capture, IPAddress address, CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow;
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var asked = v6
            ? cluster.ClientHost.TryExec("ndisc6", "-r", "2", address.ToString(), "eth0")
            : cluster.ClientHost.TryExec("arping", "-c", "2", "-w", "2", "-I", "eth0", address.ToString());
        Assert.True(asked.Succeeded, $"no answer for {address}: {asked.All}\n{cluster.Describe()}");
        var answered = await capture.WaitForAnswerAsync(address, since, null, TimeSpan.FromSeconds(5), ct);
        Assert.NotNull(answered);
        // Every reply the tool counted must reach the capture before it is read.
        var counted = System.Text.RegularExpressions.Regex.Match(asked.Output, @"Received (\d+) response") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 1;
        await capture.WaitForAnswersAsync(address, since, counted, TimeSpan.FromSeconds(5), ct);

        return capture.AnswerersOf(address, since);
    }

    // Each side logs the other's death once the blocked membership has been noticed, and each of the others then counts
    // the owner through the API server (its renewed ServiceL2Status). Returns when the last of them began counting.
    private static async Task<DateTimeOffset> WaitUntilSplitAsync(LabCluster cluster, string owner, DateTimeOffset since, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + Settle;
        while (true)
        {
            var speakers = cluster.Agent.Pods.Where(static p => p.Owner.Name == "speaker").ToList();
            var ownerSees = speakers.Single(p => p.Pod.Node == owner).Process!.Lines.Any(l => l.Time >= since && l.Text.Contains("is dead", StringComparison.Ordinal));
            var others = speakers.Where(p => p.Pod.Node != owner).ToList();
            var othersSee = others.All(p => p.Process!.Lines.Any(l => l.Time >= since && l.Text.Contains($"Member {owner} is dead", StringComparison.Ordinal)));
            var counted = others
                .Select(p => p.Process!.Lines.FirstOrDefault(l => l.Time >= since && l.Text.Contains("Split brain: the membership does not show", StringComparison.Ordinal) && l.Text.Contains(owner, StringComparison.Ordinal)))
                .ToList();
            if (ownerSees && othersSee && counted.All(static l => l is not null))
            {
                return counted.Max(static l => l!.Time);
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"the membership did not split, or the others did not count {owner} through the API server, within {Settle.TotalSeconds} s\n{cluster.Describe()}");
            await Task.Delay(100, ct);
        }
    }
}
