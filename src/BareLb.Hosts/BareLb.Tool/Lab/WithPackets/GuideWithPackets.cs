using System.Globalization;
using System.Net;
using BareLb.Lab.Capture;
using BareLb.Lab.Probing;
using BareLb.Lab.Topology;
using BareLb.Tool.Lab.Cluster;
using BareLb.Tool.Lab.Printing;
using k8s;

namespace BareLb.Tool.Lab.WithPackets;

/// <summary>
/// The guide in <c>shared/scenario</c> end to end with real packets (<c>barelb lab</c>, as root): a
/// <see cref="LabCluster"/> is built, every step of the guide runs as the guide shows it (the real kubectl, the
/// guide's strictARP pipeline, <c>kubectl apply</c> of BareLb's manifests, the legacy ConfigMap, <c>kubectl edit</c>
/// of each dashboard's Service, <c>curl</c> of each dashboard from the client), and then three failures of the node
/// that announces the Kubeflow dashboard are shown as the client's 10 ms probes saw them: its speaker killed, its
/// link down, and a planned hand-over (<c>kubectl delete pod</c>).
/// </summary>
internal sealed class GuideWithPackets(StepPrinter printer, TimeProvider time, bool showLogs = false)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly List<string> _answers = [];
    private readonly List<FailoverFigure> _failovers = [];

    /// <summary>Builds the lab, plays the guide and the failures, and removes the lab (also on failure and Ctrl+C).</summary>
    /// <param name="prefix">The lab's namespace prefix (tests give their own).</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<LabRun> RunAsync(string? prefix, CancellationToken cancellationToken)
    {
        var cluster = await BuildAsync(prefix, cancellationToken).ConfigureAwait(false);
        await using (cluster.ConfigureAwait(false))
        {
            try
            {
                await PlayGuideAsync(cluster, cancellationToken).ConfigureAwait(false);
                await PlayFailoversAsync(cluster, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or BareLb.Lab.LabException && !cancellationToken.IsCancellationRequested)
            {
                throw new BareLb.Lab.LabException($"{e.Message}\n{cluster.Describe()}", e);
            }

            if (showLogs)
            {
                printer.Step("Logs");
                printer.Result(cluster.Describe());
            }

            printer.Step("Removing the lab");
        }

        printer.Note("every namespace and process of the lab is gone");
        return Result;
    }

    /// <summary>What the run reached so far.</summary>
    public LabRun Result => new(_answers, _failovers);

    /// <summary>Builds the lab (the first step), without BareLb.</summary>
    public Task<LabCluster> BuildAsync(string? prefix, CancellationToken cancellationToken)
    {
        printer.Step("A cluster on this machine");
        printer.Note("""
            Three nodes, a client and the API server, each a network namespace on one bridge. The guide's
            192.168.35.x is 198.18.35.x here (a range reserved for benchmarks, never routed): nodes .11-.13, client .1.
            The API server is BareLb's emulator; a node agent plays the kubelet and runs what is applied as real
            processes; a stand-in for kube-proxy (IPVS mode) holds load-balancer addresses on kube-ipvs0.
            """);
        return printer.ProgressAsync("building the lab", ct => LabCluster.StartAsync(prefix, time, ct), cancellationToken);
    }

    /// <summary>The guide's steps on a built lab: BareLb installed, configured, and the four dashboards reached by curl.</summary>
    public async Task PlayGuideAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        Show(cluster, "kubectl get nodes -o wide");

        printer.Step("Preparation: is kube-proxy's strictARP on?");
        const string check = "kubectl get configmap kube-proxy -n kube-system -o yaml | \\\ngrep strictARP";
        Show(cluster, check);
        printer.Note("strictARP is false. The guide turns it on first; the lab installs BareLb first, to show the speaker's warning.");

        printer.Step("Installation by manifest");
        var deploy = Path.Combine(cluster.Binaries, "deploy");
        File.Copy(Path.Combine(deploy, "namespace.yaml"), Path.Combine(cluster.Lab.Directory, "namespace.yaml"));
        File.Copy(Path.Combine(deploy, "barelb.yaml"), Path.Combine(cluster.Lab.Directory, "barelb.yaml"));
        Show(cluster, "kubectl apply -f namespace.yaml");
        Show(cluster, "kubectl apply -f barelb.yaml", note: "BareLb's manifest in place of MetalLB's metallb.yaml: the same kinds, names and labels");
        await printer.ProgressAsync("waiting until the controller and the speakers run and are ready", ct => cluster.Agent.WaitUntilReadyAsync(["controller", "speaker"], Wait, ct), cancellationToken).ConfigureAwait(false);
        Show(cluster, "kubectl get pod -n metallb-system -o wide");
        var warning = await WaitForSpeakerLineAsync(cluster, static t => t.Contains("strictARP", StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
        printer.Note($"a speaker's log: {warning}");

        printer.Step("Preparation, done now: strictARP: true");
        Show(cluster, "kubectl get configmap kube-proxy -n kube-system -o yaml | \\\nsed -e \"s/strictARP: false/strictARP: true/\" | \\\nkubectl apply -f - -n kube-system");
        await Until(() => cluster.Proxy.StrictArp == true, "kube-proxy's stand-in to turn strictARP on", cancellationToken).ConfigureAwait(false);
        Show(cluster, check);

        printer.Step("Layer 2 configuration");
        await File.WriteAllTextAsync(
            Path.Combine(cluster.Lab.Directory, "metallb_config.yaml"),
            GuideConfiguration.Yaml("198.18.35.100-198.18.35.110", "the guide's 192.168.35.100-192.168.35.110"),
            cancellationToken).ConfigureAwait(false);
        Show(cluster, "cat metallb_config.yaml");
        Show(cluster, "kubectl apply -f metallb_config.yaml");

        foreach (var dashboard in GuideDashboard.All)
        {
            await DashboardAsync(cluster, dashboard, cancellationToken).ConfigureAwait(false);
        }

        printer.Step("Which node answers each address");
        Show(cluster, "kubectl get svc -A");
        foreach (var dashboard in GuideDashboard.All)
        {
            var address = cluster.Address(dashboard.Host);
            var node = cluster.NodeInClientCache(address);
            printer.Result($"{address,-16} {dashboard.Title,-9} answered by {(node < 0 ? "?" : cluster.Lab.Nodes[node].Role)} ({cluster.ClientHost.Neighbour(address)})");
        }

    }

    /// <summary>The three failures of the node announcing the Kubeflow dashboard, and their figures.</summary>
    public async Task PlayFailoversAsync(LabCluster cluster, CancellationToken cancellationToken)
    {
        var kubeflow = cluster.Address(GuideDashboard.All[0].Host);
        await FailoverAsync(cluster, kubeflow, "its speaker killed (SIGKILL); the node stays up", Failure.KillSpeaker, cancellationToken).ConfigureAwait(false);
        await FailoverAsync(cluster, kubeflow, "its link down (the node is cut off)", Failure.LinkDown, cancellationToken).ConfigureAwait(false);
        await FailoverAsync(cluster, kubeflow, "a planned hand-over: kubectl delete pod of its speaker (SIGTERM)", Failure.Planned, cancellationToken).ConfigureAwait(false);

        printer.Step("Failover figures");
        printer.Result("failure                               from -> to   outage   probes lost   new owner's first announcement");
        foreach (var f in _failovers)
        {
            printer.Result(string.Create(CultureInfo.InvariantCulture, $"{f.Failure,-37} {f.From,-4} -> {f.To,-4} {f.Outage.TotalMilliseconds,5:0} ms {f.Lost,8}      {(f.Announced is { } a ? $"+{a.TotalMilliseconds:0} ms" : "none")}"));
        }

        printer.Note("""
            Outage: the longest time the client went without a reply to its pings (one every 10 ms).
            A killed speaker on a node that stays up loses nothing: the node still takes the address's traffic
            (kube-ipvs0) until the client follows the new owner's announcement.
            """);
    }

    private async Task DashboardAsync(LabCluster cluster, GuideDashboard dashboard, CancellationToken cancellationToken)
    {
        printer.Step($"{dashboard.Title} dashboard");
        var address = cluster.Address(dashboard.Host);
        var shown = $"kubectl get svc/{dashboard.Name} -n {dashboard.Namespace}";
        Show(cluster, shown);

        // kubectl edit as the guide does it, with an editor that makes the guide's two changes.
        var editor = $"sed -i -e 's/^  type: ClusterIP/  type: LoadBalancer\\n  loadBalancerIP: {address}/'";
        printer.Command($"kubectl edit svc/{dashboard.Name} -n {dashboard.Namespace}");
        printer.Note($"the editor changes type: ClusterIP to LoadBalancer and adds loadBalancerIP: {address} (the guide's {dashboard.GuideAddress})");
        var edit = cluster.Shell($"kubectl edit svc/{dashboard.Name} -n {dashboard.Namespace}", new Dictionary<string, string> { ["KUBE_EDITOR"] = editor });
        printer.Result(edit.Output + edit.Error);
        if (!edit.Succeeded)
        {
            throw cluster.Failure($"kubectl edit svc/{dashboard.Name} failed");
        }

        await printer.ProgressAsync("waiting for the EXTERNAL-IP", async ct =>
        {
            await Until(() => cluster.Proxy.Services.ContainsKey(address), $"{address} to be assigned", ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        Show(cluster, shown);

        var port = dashboard.BrowserPort;
        var url = port == 80 ? $"http://{address}" : $"http://{address}:{port.ToString(CultureInfo.InvariantCulture)}";
        printer.Command($"curl {url}   # from the client");
        var answer = await CurlAsync(cluster, address, port, cancellationToken).ConfigureAwait(false);
        printer.Result(answer);
        _answers.Add(answer);
    }

    private async Task<string> CurlAsync(LabCluster cluster, IPAddress address, int port, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (true)
        {
            var result = cluster.Curl(address, port);
            if (result.Succeeded)
            {
                return result.Output.TrimEnd();
            }

            if (time.GetUtcNow() > deadline)
            {
                throw cluster.Failure($"curl http://{address}:{port} failed for 15 s: {result.Error}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private enum Failure
    {
        KillSpeaker,
        LinkDown,
        Planned,
    }

    private async Task FailoverAsync(LabCluster cluster, IPAddress address, string what, Failure failure, CancellationToken cancellationToken)
    {
        printer.Step($"Failover: the node announcing {address}, {what}");
        var client = cluster.ClientHost;
        await CurlAsync(cluster, address, 80, cancellationToken).ConfigureAwait(false);
        var ownerIndex = cluster.NodeInClientCache(address);
        if (ownerIndex < 0)
        {
            throw cluster.Failure($"the client has no neighbour entry for {address}");
        }

        var owner = cluster.Lab.Nodes[ownerIndex];
        var ownerMac = owner.Mac;
        var speaker = cluster.Agent.PodOf("speaker", owner.Role) ?? throw cluster.Failure($"no speaker Pod on {owner.Role}");
        printer.Note($"{address} is answered by {owner.Role} ({ownerMac}), whose speaker is {speaker.Pod.Name}; the client pings it every 10 ms");
        using var capture = await NeighbourCapture.StartAsync(client, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var prober = Prober.Start(client, address, TimeSpan.FromMilliseconds(10), time);
        if (!await prober.WaitForRepliesAsync(30, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false))
        {
            throw cluster.Failure($"{address} does not answer pings before the failure");
        }

        var at = time.GetUtcNow();
        switch (failure)
        {
            case Failure.KillSpeaker:
                printer.Command($"kill -9 {speaker.Process!.Id.ToString(CultureInfo.InvariantCulture)}   # {speaker.Pod.Name}'s process, on {owner.Role}");
                speaker.Process.Kill();
                break;
            case Failure.LinkDown:
                printer.Command($"ip link set eth0 down   # on {owner.Role}");
                owner.SetLink(up: false);
                break;
            case Failure.Planned:
                printer.Command($"kubectl delete pod {speaker.Pod.Name} -n metallb-system --wait=false");
                printer.Result(cluster.Kubectl("delete", "pod", speaker.Pod.Name, "-n", "metallb-system", "--wait=false").Output);
                break;
        }

        // The new owner: the first other MAC that claims the address after the failure.
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(10);
        NeighbourAnswer? taken = null;
        while (taken is null && time.GetUtcNow() < deadline)
        {
            taken = capture.Answers.FirstOrDefault(a => a.Address.Equals(address) && a.Time >= at && !string.Equals(a.Mac, ownerMac, StringComparison.OrdinalIgnoreCase));
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
        }

        if (taken is null)
        {
            throw cluster.Failure($"no other node announced {address} within 10 s of the failure");
        }

        // Let the client's probes settle on the new owner, then read the window around the failure.
        await prober.WaitForRepliesAsync(50, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var from = at - TimeSpan.FromMilliseconds(200);
        var to = time.GetUtcNow();
        var report = prober.Report(from, to);
        var newOwner = cluster.NodeWithMac(taken.Mac);
        var figure = new FailoverFigure(failure switch { Failure.KillSpeaker => "speaker killed, node up", Failure.LinkDown => "node's link down", _ => "planned (kubectl delete pod)" },
            owner.Role, newOwner < 0 ? taken.Mac : cluster.Lab.Nodes[newOwner].Role, report.LongestGap, report.Lost, taken.Time - at);
        _failovers.Add(figure);
        foreach (var line in OutageTimeline.Render(report.Timeline, TimeSpan.FromMilliseconds(10), from - at, "failure"))
        {
            printer.Result(line);
        }

        printer.Note(string.Create(CultureInfo.InvariantCulture,
            $"{figure.To} announced {address} {figure.Announced!.Value.TotalMilliseconds:0} ms after the failure; the client's longest wait for a reply was {figure.Outage.TotalMilliseconds:0} ms, {figure.Lost} probes lost"));

        // Put things back as they were, and show it.
        if (failure == Failure.LinkDown)
        {
            printer.Command($"ip link set eth0 up   # on {owner.Role}");
            owner.SetLink(up: true);
        }

        await printer.ProgressAsync("waiting until every speaker runs and is ready again", ct => cluster.Agent.WaitUntilReadyAsync(["controller", "speaker"], Wait, ct), cancellationToken).ConfigureAwait(false);
        var back = await capture.WaitForAnswerAsync(address, to, ownerMac, TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        Show(cluster, "kubectl get pod -n metallb-system -o wide");
        printer.Note(back is null
            ? $"{address} stays with {figure.To}"
            : $"{owner.Role} is back and announces {address} again: MetalLB's order (SHA-256 of node and address) puts it first for this address, so the address returns, as MetalLB's does");
        await CurlAsync(cluster, address, 80, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> WaitForSpeakerLineAsync(LabCluster cluster, Func<string, bool> match, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(20);
        while (time.GetUtcNow() < deadline)
        {
            foreach (var pod in cluster.Agent.Pods.Where(static p => p.Owner.Name == "speaker"))
            {
                if (pod.Process?.Lines.FirstOrDefault(l => match(l.Text)) is { } line)
                {
                    return $"{pod.Pod.Name}: {line.Text}";
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }

        throw cluster.Failure("no speaker logged the expected line within 20 s");
    }

    private async Task Until(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + Wait;
        while (!condition())
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"waited {Wait.TotalSeconds:0} s for {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken).ConfigureAwait(false);
        }
    }

    // A command shown as typed, run in the API namespace (kubectl, with the guide's pipes), its output shown.
    private void Show(LabCluster cluster, string shown, string? note = null)
    {
        printer.Command(shown);
        if (note is not null)
        {
            printer.Note(note);
        }

        var result = cluster.Shell("cd " + cluster.Lab.Directory + " && " + shown.Replace("\\\n", " ", StringComparison.Ordinal));
        printer.Result(result.Output);
        printer.Result(result.Error);
    }
}
