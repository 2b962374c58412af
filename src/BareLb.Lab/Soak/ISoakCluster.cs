using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Soak;

/// <summary>
/// What a soak needs of a running lab cluster: the client, the nodes, kubectl against its API, the
/// speakers to kill and start, the links to flap, and the processes to watch.
/// </summary>
public interface ISoakCluster
{
    /// <summary>The client namespace the probes and the capture run in.</summary>
    LabHost Client { get; }

    /// <summary>The nodes; a node's name in Kubernetes is its <see cref="LabHost.Role"/>.</summary>
    IReadOnlyList<LabHost> Nodes { get; }

    /// <summary>Runs kubectl against the cluster's API and returns its output; throws <see cref="LabException"/> when it fails.</summary>
    /// <param name="arguments">kubectl's arguments.</param>
    string Kubectl(params string[] arguments);

    /// <summary>Kills the speaker on <paramref name="node"/> (SIGKILL), a crash; it stays down until <see cref="StartSpeakerAsync"/>.</summary>
    /// <param name="node">The node's name.</param>
    void KillSpeaker(string node);

    /// <summary>Stops the speaker on <paramref name="node"/> (SIGTERM), a planned hand-over; it stays down until <see cref="StartSpeakerAsync"/>.</summary>
    /// <param name="node">The node's name.</param>
    void StopSpeaker(string node);

    /// <summary>Starts the speaker on <paramref name="node"/> again (if it is not running) and waits until it runs.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    Task StartSpeakerAsync(string node, CancellationToken cancellationToken);

    /// <summary>Sets the link of <paramref name="node"/> up or down.</summary>
    /// <param name="node">The node's name.</param>
    /// <param name="up">Up or down.</param>
    void SetLink(string node, bool up);

    /// <summary>The cluster's processes running now (API, controller, speakers...), by name.</summary>
    IReadOnlyList<SoakProcess> Processes();
}
