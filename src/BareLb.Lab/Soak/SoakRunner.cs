using System.Globalization;
using System.Net;
using System.Text.Json;
using BareLb.Lab.Capture;

namespace BareLb.Lab.Soak;

/// <summary>
/// Runs a soak on a cluster where BareLb is installed (and configured by nothing else): for the options' duration it
/// takes random steps (<see cref="SoakPlanner"/>: Services created, deleted, switched between ClusterIP and
/// LoadBalancer and between families; speakers killed or stopped and started again; a node's link flapped; the pools
/// and the L2Advertisement changed), watching each for <see cref="SoakOptions.Observe"/> while the client probes every
/// assigned address every 20 ms and a capture records every ARP and NDP claim. Then it judges: one answerer per
/// address outside hand-overs (<see cref="AnswerInvariant"/>), every address held through a step answering again
/// within the failover target, every new address answering, each process's memory at the start and the end, and the
/// errors in their logs.
/// </summary>
public static class SoakRunner
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs the soak and returns its report; progress (one line per step) goes to <paramref name="progress"/>.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="options">How to run; validated first.</param>
    /// <param name="progress">Where each step is written as it is taken.</param>
    /// <param name="cancellationToken">Ends the soak early (the report says so).</param>
    public static async Task<SoakReport> RunAsync(ISoakCluster cluster, SoakOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        options.Validate();
        var time = TimeProvider.System;
        var nodes = cluster.Nodes;
        var v4Base = Subnet(nodes[0].Ipv4);
        var v6Base = Subnet(nodes[0].Ipv6);
        Apply(cluster, SoakManifests.Base(options, v4Base, v6Base));

        var planner = new SoakPlanner(options.Seed, [.. nodes.Select(static n => n.Role)], options.MaxServices);
        var state = new SoakState();
        var tracker = new ReachabilityTracker(options.FailoverTarget, options.AppearanceLimit, TimeSpan.FromSeconds(1));
        var invariant = new AnswerInvariant(options.Simultaneity);
        var actions = new List<SoakAction>();
        var outcomes = new List<ActionOutcome>();
        var failed = new List<string>();
        var startMemory = cluster.Processes().ToDictionary(static p => p.Name, static p => (p.Process.Id, ProcessMemory.Resident(p.Process.Id)), StringComparer.Ordinal);
        using var capture = await NeighbourCapture.StartAsync(cluster.Client, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var probes = new SoakProbes(cluster.Client, ProbeInterval, options.Observe, time);
        var started = time.GetUtcNow();
        var lastFlush = started;
        string? interrupted = null;
        try
        {
            while (time.GetUtcNow() - started < options.Duration)
            {
                var step = planner.Next(state);
                var start = time.GetUtcNow();
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{(start - started).TotalSeconds,6:0} s  {actions.Count + 1,3}. {step.Description}")).ConfigureAwait(false);
                try
                {
                    await CarryOutAsync(cluster, options, state, step, v4Base, v6Base, cancellationToken).ConfigureAwait(false);
                    SoakPlanner.Apply(state, step);
                }
                catch (LabException e)
                {
                    failed.Add($"step {actions.Count + 1} ({step.Description}): {e.Message}");
                    await progress.WriteLineAsync($"         failed: {e.Message}").ConfigureAwait(false);
                }

                var action = new SoakAction(actions.Count + 1, step.Kind, step.Description, start, time.GetUtcNow());
                actions.Add(action);
                if (action.IsDisruption)
                {
                    invariant.AddHandOver(action.Start, action.End + (options.Observe / 2));
                }

                // Watch the step's aftermath: the Services' addresses, the probes, the neighbour cache flushed now and then.
                var until = time.GetUtcNow() + options.Observe;
                while (time.GetUtcNow() < until)
                {
                    var assigned = Assigned(cluster, options);
                    tracker.Observe(assigned, time.GetUtcNow(), start);
                    probes.Follow([.. assigned.Keys]);
                    if (time.GetUtcNow() - lastFlush > options.NeighbourFlushInterval)
                    {
                        cluster.Client.TryExec("ip", "neigh", "flush", "dev", "eth0");
                        cluster.Client.TryExec("ip", "-6", "neigh", "flush", "dev", "eth0");
                        lastFlush = time.GetUtcNow();
                    }

                    await Task.Delay(options.PollInterval, time, cancellationToken).ConfigureAwait(false);
                }

                var outcome = tracker.Evaluate(action, time.GetUtcNow(), probes);
                outcomes.Add(outcome);
                foreach (var violation in outcome.Violations)
                {
                    await progress.WriteLineAsync($"         ! {violation}").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = "Ctrl+C";
        }
        catch (LabException e)
        {
            interrupted = $"the lab broke: {e.Message}";
        }

        var ended = time.GetUtcNow();
        var (latencies, appearanceViolations) = tracker.Appearances(probes, ended);
        var endProcesses = cluster.Processes();
        var memory = startMemory.Keys.Union(endProcesses.Select(static p => p.Name)).Order(StringComparer.Ordinal).Select(name =>
        {
            var end = endProcesses.FirstOrDefault(p => p.Name == name);
            var begin = startMemory.TryGetValue(name, out var b) ? b : default;
            return new ProcessMemory(name, begin.Id == 0 ? null : begin.Id, begin.Item2, end?.Process.Id, end is null ? null : ProcessMemory.Resident(end.Process.Id));
        }).ToList();
        return new SoakReport
        {
            Seed = options.Seed,
            Planned = options.Duration,
            Started = started,
            Ended = ended,
            Interrupted = interrupted,
            Actions = actions,
            Outcomes = outcomes,
            FailedSteps = failed,
            Conflicts = invariant.Conflicts(capture.Answers),
            MacNames = nodes.ToDictionary(static n => n.Mac, static n => n.Role, StringComparer.OrdinalIgnoreCase),
            Appearance = Distribution.Of(latencies),
            AppearanceViolations = appearanceViolations,
            ProbeInterval = ProbeInterval,
            AddressesProbed = probes.AddressCount,
            Memory = memory,
            Logs = [.. endProcesses.Select(static p => LogFindings.Scan(p.Name, p.Process.Lines.Select(static l => l.Text)))],
        };
    }

    private static async Task CarryOutAsync(ISoakCluster cluster, SoakOptions options, SoakState state, SoakStep step, IPAddress v4Base, IPAddress v6Base, CancellationToken cancellationToken)
    {
        switch (step.Kind)
        {
            case SoakActionKind.CreateService:
                Apply(cluster, ServiceYaml(cluster, options, step.Service!));
                break;
            case SoakActionKind.DeleteService:
                cluster.Kubectl("delete", "service", step.Target, "-n", options.Namespace, "--wait=false");
                cluster.Kubectl("delete", "endpointslice", "-n", options.Namespace, "-l", "kubernetes.io/service-name=" + step.Target, "--wait=false");
                break;
            case SoakActionKind.SwitchType:
                cluster.Kubectl("patch", "service", step.Target, "-n", options.Namespace, "--type=merge", "-p",
                    "{\"spec\":{\"type\":\"" + (step.Service!.LoadBalancer ? "LoadBalancer" : "ClusterIP") + "\"}}");
                break;
            case SoakActionKind.SwitchFamily:
                // The primary family of a Service cannot change in place (the API refuses it): recreate then; adding or
                // dropping the second family is a patch, as users do it.
                var before = state.Services[step.Target];
                if (Primary(before.Family) != Primary(step.Service!.Family))
                {
                    cluster.Kubectl("delete", "service", step.Target, "-n", options.Namespace, "--wait=false");
                }

                Apply(cluster, ServiceYaml(cluster, options, step.Service!));
                break;
            case SoakActionKind.KillSpeaker:
                cluster.KillSpeaker(step.Target);
                await Task.Delay(step.Pause, cancellationToken).ConfigureAwait(false);
                await cluster.StartSpeakerAsync(step.Target, cancellationToken).ConfigureAwait(false);
                break;
            case SoakActionKind.RestartSpeaker:
                cluster.StopSpeaker(step.Target);
                await Task.Delay(step.Pause, cancellationToken).ConfigureAwait(false);
                await cluster.StartSpeakerAsync(step.Target, cancellationToken).ConfigureAwait(false);
                break;
            case SoakActionKind.FlapLink:
                cluster.SetLink(step.Target, up: false);
                try
                {
                    await Task.Delay(step.Pause, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    cluster.SetLink(step.Target, up: true);
                }

                break;
            case SoakActionKind.ChangeConfiguration when step.Target == "soak-b":
                if (state.SecondPool)
                {
                    cluster.Kubectl("delete", "ipaddresspool", "soak-b", "-n", options.ConfigurationNamespace, "--wait=false");
                }
                else
                {
                    Apply(cluster, SoakManifests.SecondPool(options, v4Base, v6Base));
                }

                break;
            case SoakActionKind.ChangeConfiguration:
                Apply(cluster, SoakManifests.Advertisement(options, step.Target.Length == 0 ? null : step.Target));
                break;
        }
    }

    private static string ServiceYaml(ISoakCluster cluster, SoakOptions options, SoakService service)
    {
        // Each Service's endpoint sits on a node chosen by its name, so that the choice is the same on every run.
        var node = cluster.Nodes[service.Name.Sum(static c => c) % cluster.Nodes.Count];
        return SoakManifests.Service(options, service, node.Role, node.Ipv4, node.Ipv6);
    }

    private static bool Primary(SoakFamily family) => family is SoakFamily.IPv4 or SoakFamily.DualIPv4First;

    private static void Apply(ISoakCluster cluster, string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"barelb-soak-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            cluster.Kubectl("apply", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // The load-balancer addresses of the soak's Services, from their status.
    private static Dictionary<IPAddress, string> Assigned(ISoakCluster cluster, SoakOptions options)
    {
        var assigned = new Dictionary<IPAddress, string>();
        using var document = JsonDocument.Parse(cluster.Kubectl("get", "services", "-n", options.Namespace, "-o", "json"));
        foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var name = item.GetProperty("metadata").GetProperty("name").GetString()!;
            if (item.GetProperty("spec").TryGetProperty("type", out var type) && type.GetString() == "LoadBalancer"
                && item.TryGetProperty("status", out var status) && status.TryGetProperty("loadBalancer", out var lb) && lb.TryGetProperty("ingress", out var ingress))
            {
                foreach (var entry in ingress.EnumerateArray())
                {
                    if (entry.TryGetProperty("ip", out var ip) && IPAddress.TryParse(ip.GetString(), out var address))
                    {
                        assigned[address] = $"{options.Namespace}/{name}";
                    }
                }
            }
        }

        return assigned;
    }

    private static IPAddress Subnet(IPAddress host)
    {
        var bytes = host.GetAddressBytes();
        bytes[^1] = 0;
        if (bytes.Length == 16)
        {
            bytes[^2] = 0;
        }

        return new IPAddress(bytes);
    }
}
