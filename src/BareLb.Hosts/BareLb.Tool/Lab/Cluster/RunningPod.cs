using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>A Pod the node agent runs: where (its network namespace), its one container's process, restarts and readiness.</summary>
internal sealed class RunningPod(PlannedPod pod, Workload owner, LabHost host, string uid)
{
    /// <summary>The Pod.</summary>
    public PlannedPod Pod { get; } = pod;

    /// <summary>Its DaemonSet or Deployment.</summary>
    public Workload Owner { get; } = owner;

    /// <summary>The network namespace it runs in: its node's for a host-network Pod, a pod host's otherwise.</summary>
    public LabHost Host { get; } = host;

    /// <summary>The Pod's uid in the API.</summary>
    public string Uid { get; } = uid;

    /// <summary>The container's process while it runs (or after it exited, until restarted).</summary>
    public LabProcess? Process { get; set; }

    /// <summary>The container's restarts, as the kubelet counts them.</summary>
    public int Restarts { get; set; }

    /// <summary>Whether the readiness probe last passed.</summary>
    public bool Ready { get; set; }

    /// <summary>When the container last started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The earliest time the container may start (again).</summary>
    public DateTimeOffset NextStart { get; set; }

    /// <summary>Why the container does not run, as <c>kubectl get pod</c> shows it, or null.</summary>
    public string? Waiting { get; set; }

    /// <summary>Whether the Pod is being stopped (deleted or replaced); the agent no longer restarts it.</summary>
    public bool Stopping { get; set; }

    /// <summary>The container's name.</summary>
    public string Container => Owner.Template.Spec.Containers[0].Name;
}
