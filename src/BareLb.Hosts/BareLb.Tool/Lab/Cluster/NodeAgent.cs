using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;
using k8s;
using k8s.Autorest;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// The kubelet's part (and the DaemonSet, Deployment and scheduler's) in a lab: it keeps a Node object Ready for every
/// lab node, schedules the DaemonSets' and Deployments' Pods (<see cref="PodPlanner"/>), starts each Pod's container
/// as a real process (<see cref="ContainerLaunch"/>) in its node's namespace (host network) or in a pod host's,
/// writes the Pod's status as a kubelet does (phase, IPs, container state, restarts, readiness from the readiness
/// probe), restarts a container that exits, and stops a Pod's process (SIGTERM, then SIGKILL after the grace period)
/// when the Pod is deleted, as a rolling update or <c>kubectl delete pod</c> does.
/// </summary>
internal sealed class NodeAgent : IAsyncDisposable
{
    /// <summary>How long after an exit the agent starts a container again (the kubelet's first back-off is 10 s; the lab is short).</summary>
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private readonly Kubernetes _client;
    private readonly NetworkLab _lab;
    private readonly string _binaries;
    private readonly Func<string, string> _kubeconfigFor;
    private readonly TimeProvider _time;
    private readonly Random _random = new();
    private readonly Lock _gate = new();
    private readonly List<RunningPod> _pods = [];
    private readonly List<string> _events = [];
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private readonly HttpClient[] _probes;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private DateTimeOffset _nextProbe;

    /// <param name="client">A client of the lab's API.</param>
    /// <param name="lab">The lab whose nodes and pod hosts run the Pods.</param>
    /// <param name="binaries">The directory holding <c>barelb-speaker.dll</c> and <c>barelb-controller.dll</c>.</param>
    /// <param name="kubeconfigFor">The kubeconfig for a ServiceAccount (<c>namespace/name</c>).</param>
    /// <param name="time">The clock.</param>
    public NodeAgent(Kubernetes client, NetworkLab lab, string binaries, Func<string, string> kubeconfigFor, TimeProvider time)
    {
        _client = client;
        _lab = lab;
        _binaries = binaries;
        _kubeconfigFor = kubeconfigFor;
        _time = time;
        _probes = [.. lab.Nodes.Concat(lab.PodHosts).Select(static h => NamespaceConnections.Http(h.Namespace, TimeSpan.FromSeconds(1)))];
    }

    /// <summary>The Pods the agent runs now.</summary>
    public IReadOnlyList<RunningPod> Pods
    {
        get
        {
            lock (_gate)
            {
                return [.. _pods];
            }
        }
    }

    /// <summary>What the agent did, one line each (for a failure's report).</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The node labels the lab gives every node.</summary>
    public static IReadOnlyDictionary<string, string> NodeLabels(string name) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["kubernetes.io/hostname"] = name,
        ["kubernetes.io/os"] = "linux",
        ["kubernetes.io/arch"] = "amd64",
    };

    /// <summary>Registers the lab's nodes as Ready Node objects, then runs the agent's loop in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _lab.Nodes)
        {
            await _client.CoreV1.CreateNodeAsync(new V1Node
            {
                Metadata = new V1ObjectMeta { Name = node.Role, Labels = new Dictionary<string, string>(NodeLabels(node.Role)) },
                Spec = new V1NodeSpec { PodCIDR = null },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow().UtcDateTime;
            var status = new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["message"] = "barelb lab node agent is posting ready status", ["lastHeartbeatTime"] = Time(now), ["lastTransitionTime"] = Time(now) }),
                    ["addresses"] = new JsonArray(
                        new JsonObject { ["type"] = "InternalIP", ["address"] = node.Ipv4.ToString() },
                        new JsonObject { ["type"] = "InternalIP", ["address"] = node.Ipv6.ToString() },
                        new JsonObject { ["type"] = "Hostname", ["address"] = node.Role }),
                    ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.32.0-barelb-lab", ["kubeProxyVersion"] = "v1.32.0-barelb-lab", ["operatingSystem"] = "linux", ["architecture"] = "amd64", ["containerRuntimeVersion"] = "barelb-lab://processes", ["osImage"] = "network namespace", ["kernelVersion"] = Environment.OSVersion.Version.ToString(), ["machineID"] = "", ["systemUUID"] = "", ["bootID"] = "" },
                },
            };
            await _client.CoreV1.PatchNodeStatusAsync(new V1Patch(status.ToJsonString(), V1Patch.PatchType.MergePatch), node.Role, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Keeps a Pod's container from being started again after it exits, until <see cref="Release"/> (a soak takes a
    /// speaker down for a while, as a node whose kubelet is slow to restart it).
    /// </summary>
    public void Hold(string pod)
    {
        lock (_gate)
        {
            _held.Add(pod);
        }
    }

    /// <summary>Lets the agent start a held Pod's container again.</summary>
    public void Release(string pod)
    {
        lock (_gate)
        {
            _held.Remove(pod);
        }
    }

    /// <summary>The running Pod of a workload on a node, or null.</summary>
    public RunningPod? PodOf(string workloadName, string node) => Pods.FirstOrDefault(p => p.Owner.Name == workloadName && p.Pod.Node == node && !p.Stopping);

    /// <summary>Waits until every Pod of the workloads named runs and is ready (and there is at least one of each).</summary>
    public async Task WaitUntilReadyAsync(IReadOnlyList<string> workloads, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var pods = Pods.Where(p => !p.Stopping).ToList();
            if (workloads.All(w => pods.Any(p => p.Owner.Name == w)) && pods.Where(p => workloads.Contains(p.Owner.Name)).All(static p => p.Ready && p.Process is { HasExited: false }))
            {
                return;
            }

            if (_time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"Pods of {string.Join(", ", workloads)} not all ready within {timeout.TotalSeconds:0} s:\n{Describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The agent's Pods and their processes' last lines, for a failure's report.</summary>
    public string Describe() => string.Join("\n", Pods.Select(static p =>
        $"--- {p.Pod.Name} on {p.Pod.Node}: {(p.Process is null ? p.Waiting ?? "not started" : p.Process.HasExited ? $"exited {p.Process.ExitCode}" : "running")}, ready {p.Ready}, restarts {p.Restarts}\n{p.Process?.Tail()}"))
        + "\n--- agent\n" + string.Join("\n", Events.TakeLast(30));

    /// <summary>Stops the loop and every Pod's process.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        foreach (var pod in Pods)
        {
            pod.Process?.Dispose();
        }

        foreach (var probe in _probes)
        {
            probe.Dispose();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or PodLaunchException or InvalidOperationException)
            {
                Record($"reconcile failed: {e.Message}");
            }

            try
            {
                await Task.Delay(Tick, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var workloads = Workload.From(
            await _client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false),
            await _client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false));
        var apiPods = (await _client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items
            .Select(static p => (p.Metadata.NamespaceProperty, p.Metadata.Name)).ToHashSet();

        // Pods deleted through the API (kubectl delete pod, a rolling update): stop their processes.
        foreach (var pod in Pods.Where(p => !p.Stopping && !apiPods.Contains((p.Pod.Namespace, p.Pod.Name))))
        {
            Stop(pod, "deleted");
        }

        var live = Pods.Where(static p => !p.Stopping).ToList();
        var plan = PodPlanner.Plan(workloads, [.. _lab.Nodes.Select(static n => (n.Role, NodeLabels(n.Role)))], [.. live.Select(static p => p.Pod)], _random);
        foreach (var removed in plan.Remove)
        {
            var pod = live.First(p => p.Pod == removed);
            Stop(pod, "no longer wanted");
            await IgnoreMissingAsync(_client.CoreV1.DeleteNamespacedPodAsync(removed.Name, removed.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var (planned, owner) in plan.Create)
        {
            var host = HostFor(owner, planned.Node);
            if (host is null)
            {
                Record($"{planned.Name}: no free pod host for a Pod without hostNetwork; it stays unscheduled");
                continue;
            }

            var created = await _client.CoreV1.CreateNamespacedPodAsync(PodObject(planned, owner), planned.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _pods.Add(new RunningPod(planned, owner, host, created.Metadata.Uid ?? ""));
            }

            Record($"{planned.Name}: scheduled on {planned.Node} ({host.Role})");
        }

        var now = _time.GetUtcNow();
        foreach (var pod in Pods.Where(static p => !p.Stopping))
        {
            if (pod.Process is { HasExited: true } exited)
            {
                pod.Restarts++;
                pod.Ready = false;
                pod.Process = null;
                pod.Waiting = "Error";
                pod.NextStart = now + RestartDelay;
                Record($"{pod.Pod.Name}: container exited with {exited.ExitCode}; restarting in {RestartDelay.TotalSeconds:0} s");
                exited.Dispose();
                await WriteStatusAsync(pod, cancellationToken).ConfigureAwait(false);
            }

            bool held;
            lock (_gate)
            {
                held = _held.Contains(pod.Pod.Name);
            }

            if (pod.Process is null && now >= pod.NextStart && !held)
            {
                await StartAsync(pod, cancellationToken).ConfigureAwait(false);
            }
        }

        if (now >= _nextProbe)
        {
            _nextProbe = now + TimeSpan.FromSeconds(0.5);
            await ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private LabHost? HostFor(Workload owner, string node)
    {
        if (owner.Template.Spec.HostNetwork == true)
        {
            return _lab.Nodes.First(n => n.Role == node);
        }

        var taken = Pods.Where(static p => !p.Stopping).Select(static p => p.Host).ToHashSet();
        return _lab.PodHosts.FirstOrDefault(h => !taken.Contains(h));
    }

    private async Task StartAsync(RunningPod pod, CancellationToken cancellationToken)
    {
        var spec = pod.Owner.Template.Spec;
        var container = spec.Containers[0];
        try
        {
            var directory = Path.Combine(_lab.Directory, "pods", pod.Pod.Name);
            var volumes = await VolumesAsync(pod, spec, directory, cancellationToken).ConfigureAwait(false);
            var values = new Dictionary<(bool, string, string), string?>();
            foreach (var variable in container.Env ?? [])
            {
                if (variable.ValueFrom?.SecretKeyRef is { } s)
                {
                    values[(true, s.Name, s.Key)] = await SecretValueAsync(pod.Pod.Namespace, s.Name, s.Key, cancellationToken).ConfigureAwait(false);
                }
                else if (variable.ValueFrom?.ConfigMapKeyRef is { } c)
                {
                    values[(false, c.Name, c.Key)] = await ConfigMapValueAsync(pod.Pod.Namespace, c.Name, c.Key, cancellationToken).ConfigureAwait(false);
                }
            }

            var account = $"{pod.Pod.Namespace}/{spec.ServiceAccountName ?? "default"}";
            var facts = new PodFacts(pod.Pod.Name, pod.Pod.Namespace, pod.Uid, pod.Pod.Node, _lab.Nodes.First(n => n.Role == pod.Pod.Node).Ipv4.ToString(), pod.Host.Ipv4.ToString(), spec.ServiceAccountName ?? "default");
            var launch = ContainerLaunch.Resolve(spec, container, facts, volumes, (secret, name, key) => values.GetValueOrDefault((secret, name, key)), _kubeconfigFor(account));
            pod.Process = pod.Host.Start("dotnet", [Path.Combine(_binaries, launch.Program), .. launch.Arguments], launch.Environment);
            pod.StartedAt = _time.GetUtcNow();
            pod.Waiting = null;
            Record($"{pod.Pod.Name}: started {launch.Program} in {pod.Host.Role} (pid {pod.Process.Id.ToString(CultureInfo.InvariantCulture)})");
        }
        catch (PodLaunchException e)
        {
            pod.NextStart = _time.GetUtcNow() + TimeSpan.FromSeconds(1);
            if (pod.Waiting != e.Message)
            {
                Record($"{pod.Pod.Name}: cannot start yet: {e.Message}");
            }

            pod.Waiting = e.Message;
        }

        await WriteStatusAsync(pod, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, string>> VolumesAsync(RunningPod pod, V1PodSpec spec, string directory, CancellationToken cancellationToken)
    {
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in spec.Volumes ?? [])
        {
            var path = Path.Combine(directory, "volumes", volume.Name);
            Directory.CreateDirectory(path);
            if (volume.Secret is { } secretSource)
            {
                var secret = await ReadAsync(_client.CoreV1.ReadNamespacedSecretAsync(secretSource.SecretName, pod.Pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false)
                    ?? throw new PodLaunchException($"volumes[{volume.Name}].secret", $"Secret {secretSource.SecretName} does not exist yet (ContainerCreating)");
                foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>())
                {
                    await File.WriteAllBytesAsync(Path.Combine(path, key), value, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (volume.ConfigMap is { } configMapSource)
            {
                var configMap = await ReadAsync(_client.CoreV1.ReadNamespacedConfigMapAsync(configMapSource.Name, pod.Pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false)
                    ?? throw new PodLaunchException($"volumes[{volume.Name}].configMap", $"ConfigMap {configMapSource.Name} does not exist yet (ContainerCreating)");
                foreach (var (key, value) in configMap.Data ?? new Dictionary<string, string>())
                {
                    await File.WriteAllTextAsync(Path.Combine(path, key), value, cancellationToken).ConfigureAwait(false);
                }
            }
            else if (volume.EmptyDir is null)
            {
                throw new PodLaunchException($"volumes[{volume.Name}]", "the lab provides secret, configMap and emptyDir volumes only");
            }

            volumes[volume.Name] = path;
        }

        return volumes;
    }

    private async Task<string?> SecretValueAsync(string ns, string name, string key, CancellationToken cancellationToken) =>
        (await ReadAsync(_client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false))?.Data?.TryGetValue(key, out var value) == true
            ? System.Text.Encoding.UTF8.GetString(value)
            : null;

    private async Task<string?> ConfigMapValueAsync(string ns, string name, string key, CancellationToken cancellationToken) =>
        (await ReadAsync(_client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false))?.Data?.TryGetValue(key, out var value) == true
            ? value
            : null;

    // Every Pod's readiness probe at once, so that one that hangs delays no other and not the loop for long.
    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var hosts = _lab.Nodes.Concat(_lab.PodHosts).ToList();
        var pods = Pods.Where(static p => !p.Stopping).ToList();
        var results = await Task.WhenAll(pods.Select(async pod =>
        {
            if (pod.Process is not { HasExited: false })
            {
                return false;
            }

            if (ProbeUrl(pod) is not { } url)
            {
                return true;
            }

            try
            {
                using var response = await _probes[hosts.IndexOf(pod.Host)].GetAsync(url, cancellationToken).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        })).ConfigureAwait(false);
        for (var i = 0; i < pods.Count; i++)
        {
            var pod = pods[i];
            if (results[i] != pod.Ready && !pod.Stopping)
            {
                pod.Ready = results[i];
                Record($"{pod.Pod.Name}: {(pod.Ready ? "ready" : "not ready")}");
                await WriteStatusAsync(pod, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Uri? ProbeUrl(RunningPod pod)
    {
        var container = pod.Owner.Template.Spec.Containers[0];
        if (container.ReadinessProbe?.HttpGet is not { } get)
        {
            return null;
        }

        var port = get.Port.Value is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : container.Ports?.FirstOrDefault(p => p.Name == get.Port.Value)?.ContainerPort ?? 0;
        var host = pod.Host.Ipv4.ToString();
        return new Uri($"http://{host}:{port.ToString(CultureInfo.InvariantCulture)}{get.Path}");
    }

    private void Stop(RunningPod pod, string why)
    {
        pod.Stopping = true;
        var grace = TimeSpan.FromSeconds(pod.Owner.Template.Spec.TerminationGracePeriodSeconds ?? 30);
        Record($"{pod.Pod.Name}: {why}; stopping its container (SIGTERM, SIGKILL after {grace.TotalSeconds:0} s)");
        var process = pod.Process;
        _ = Task.Run(() =>
        {
            if (process is not null)
            {
                var code = process.Stop(grace);
                Record($"{pod.Pod.Name}: exited {code.ToString(CultureInfo.InvariantCulture)}; its last lines:\n  {string.Join("\n  ", process.Lines.TakeLast(12).Select(static l => l.Text))}");
                process.Dispose();
            }

            lock (_gate)
            {
                _pods.Remove(pod);
            }
        });
    }

    private async Task WriteStatusAsync(RunningPod pod, CancellationToken cancellationToken)
    {
        var container = pod.Owner.Template.Spec.Containers[0];
        var running = pod.Process is { HasExited: false };
        var state = running
            ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time(pod.StartedAt!.Value.UtcDateTime) } }
            : new JsonObject { ["waiting"] = new JsonObject { ["reason"] = pod.Restarts > 0 ? "CrashLoopBackOff" : pod.Waiting?.Contains("does not exist yet", StringComparison.Ordinal) == true ? "ContainerCreating" : "CreateContainerConfigError", ["message"] = pod.Waiting ?? "" } };
        var now = Time(_time.GetUtcNow().UtcDateTime);
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["phase"] = running || pod.Restarts > 0 ? "Running" : "Pending",
                ["hostIP"] = _lab.Nodes.First(n => n.Role == pod.Pod.Node).Ipv4.ToString(),
                ["podIP"] = pod.Host.Ipv4.ToString(),
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = pod.Host.Ipv4.ToString() }, new JsonObject { ["ip"] = pod.Host.Ipv6.ToString() }),
                ["startTime"] = now,
                ["conditions"] = new JsonArray(
                    new JsonObject { ["type"] = "PodScheduled", ["status"] = "True" },
                    new JsonObject { ["type"] = "Ready", ["status"] = pod.Ready ? "True" : "False", ["lastTransitionTime"] = now },
                    new JsonObject { ["type"] = "ContainersReady", ["status"] = pod.Ready ? "True" : "False", ["lastTransitionTime"] = now }),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = container.Name,
                    ["image"] = container.Image,
                    ["imageID"] = "",
                    ["containerID"] = pod.Process is null ? null : "barelb-lab://" + pod.Process.Id.ToString(CultureInfo.InvariantCulture),
                    ["ready"] = pod.Ready,
                    ["started"] = running,
                    ["restartCount"] = pod.Restarts,
                    ["state"] = state,
                }),
            },
        };
        await IgnoreMissingAsync(_client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(status.ToJsonString(), V1Patch.PatchType.MergePatch), pod.Pod.Name, pod.Pod.Namespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static V1Pod PodObject(PlannedPod planned, Workload owner)
    {
        var template = owner.Template;
        var spec = KubeJson.Copy(template.Spec);
        spec.NodeName = planned.Node;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = planned.Name,
                NamespaceProperty = planned.Namespace,
                Labels = template.Metadata?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                Annotations = template.Metadata?.Annotations is { } annotations ? new Dictionary<string, string>(annotations) : null,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = owner.Kind, Name = owner.Name, Uid = owner.Key, Controller = true }],
            },
            Spec = spec,
        };
    }

    private static async Task<T?> ReadAsync<T>(Task<T> read)
        where T : class
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task IgnoreMissingAsync<T>(Task<T> call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted meanwhile.
        }
    }

    private void Record(string line)
    {
        lock (_gate)
        {
            _events.Add($"{_time.GetUtcNow():HH:mm:ss.fff} {line}");
        }
    }

    private static string Time(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
