using BareLb.Lab;
using BareLb.Lab.Soak;
using BareLb.Lab.Topology;
using BareLb.Tool.Lab.Cluster;

namespace BareLb.Tool.Lab.Soak;

/// <summary>The soak's view of a <see cref="LabCluster"/>: kubectl, the speakers through the node agent, the links, the processes.</summary>
internal sealed class LabSoakCluster(LabCluster cluster) : ISoakCluster
{
    public LabHost Client => cluster.ClientHost;

    public IReadOnlyList<LabHost> Nodes => cluster.Lab.Nodes;

    public string Kubectl(params string[] arguments)
    {
        var result = cluster.Kubectl(arguments);
        return result.Succeeded ? result.Output : throw new LabException($"kubectl {string.Join(' ', arguments)}: {result.Error.Trim()}");
    }

    public void KillSpeaker(string node)
    {
        var pod = Speaker(node);
        cluster.Agent.Hold(pod.Pod.Name);
        pod.Process?.Kill();
    }

    public void StopSpeaker(string node)
    {
        var pod = Speaker(node);
        cluster.Agent.Hold(pod.Pod.Name);
        pod.Process?.Signal(Signals.Terminate);
    }

    public async Task StartSpeakerAsync(string node, CancellationToken cancellationToken)
    {
        var pod = Speaker(node);
        var before = pod.Process;
        // A speaker handing over keeps answering until its successors have announced: let it finish first (the agent
        // lets go of a process once it has seen it exit).
        var exitDeadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(15);
        while (before is not null && pod.Process == before)
        {
            if (DateTimeOffset.UtcNow > exitDeadline)
            {
                throw new LabException($"the speaker on {node} did not exit within 15 s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        cluster.Agent.Release(pod.Pod.Name);
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (!(pod.Process is { HasExited: false } now && now != before && pod.Ready))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new LabException($"the speaker on {node} did not run and get ready again within 60 s");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    public void SetLink(string node, bool up) => Nodes.First(n => n.Role == node).SetLink(up);

    public IReadOnlyList<SoakProcess> Processes() =>
    [
        new("api", cluster.Api),
        .. cluster.Agent.Pods.Where(static p => p.Process is { HasExited: false } && !p.Stopping)
            .Select(static p => new SoakProcess($"{p.Owner.Name}-{p.Pod.Node}", p.Process!)),
    ];

    private RunningPod Speaker(string node) => cluster.Agent.PodOf("speaker", node) ?? throw new LabException($"no speaker Pod on {node}");
}
