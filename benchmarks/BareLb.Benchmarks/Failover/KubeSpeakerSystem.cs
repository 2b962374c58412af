using System.Net;
using BareLb.Lab.Kube;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Benchmarks.Failover;

/// <summary>
/// <c>barelb-speaker</c> in Kubernetes mode on every node at its defaults, as MetalLB's DaemonSet runs it (MetalLB's
/// environment, membership on 7946), against the API emulator in the lab's API namespace: one LoadBalancer Service
/// with the system's address (on every node's <c>kube-ipvs0</c>) and a ready endpoint, in a pool of that address alone.
/// </summary>
internal sealed class KubeSpeakerSystem(NetworkLab lab, KubeSpeakerClusterOptions options) : ApplianceSystem(lab, "BareLb Kubernetes speaker", options.PoolAddresses[0])
{
    private KubeSpeakerCluster? _cluster;

    private KubeSpeakerCluster Cluster => _cluster ?? throw new InvalidOperationException("The API server is not started.");

    public override void Dispose()
    {
        base.Dispose();
        _cluster?.Dispose();
    }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _cluster = await KubeSpeakerCluster.PrepareAsync(Lab, options, cancellationToken);
        _cluster.AddService("failover", Address);
    }

    protected override async Task<LabProcess> LaunchAsync(int node, CancellationToken cancellationToken)
    {
        var process = Cluster.StartSpeaker(node);
        await Cluster.WaitForSpeakerStartAsync(node, cancellationToken);
        return process;
    }

    protected override Task StartedAsync(CancellationToken cancellationToken) => Cluster.WaitForSteadyMembershipAsync(cancellationToken);

    protected override async Task WaitSettledAsync(int node, DateTimeOffset since, bool restarted, CancellationToken cancellationToken)
    {
        // Every survivor sees the speaker come back ("Speaker nN: Joined", or Alive when its link returned before it was
        // declared dead); then the membership stays quiet for a moment, so that the address, handed back to the node
        // MetalLB's order prefers, has moved before the next run looks for its owner.
        var name = Lab.Nodes[node].Role;
        var waits = Others(node).Select(p => p.WaitForLineAsync(
            l => l.Time >= since && KubeSpeakerCluster.SawJoin(l.Text, name, orAlive: true), options.Patience, cancellationToken));
        await Task.WhenAll(waits);
        await Cluster.WaitForSteadyMembershipAsync(cancellationToken);
    }
}
