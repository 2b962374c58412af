using System.Net;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Benchmarks.Failover;

/// <summary>Something that keeps one address answered from one of the lab's nodes: BareLb's standalone or Kubernetes speakers, or keepalived.</summary>
internal abstract class ApplianceSystem(NetworkLab lab, string name, IPAddress address) : IDisposable
{
    private readonly LabProcess?[] _processes = new LabProcess?[lab.Nodes.Count];

    public string Name { get; } = name;

    public IPAddress Address { get; } = address;

    protected NetworkLab Lab { get; } = lab;

    public LabProcess? Process(int node) => _processes[node];

    /// <summary>Prepares what the nodes share, starts it on every node and waits until each has started and the whole is ready.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        var starting = Enumerable.Range(0, Lab.Nodes.Count).Select(i => StartOnAsync(i, cancellationToken)).ToArray();
        await Task.WhenAll(starting);
        await StartedAsync(cancellationToken);
    }

    /// <summary>After a failure of <paramref name="node"/>: restarts what exited there and waits until the system is whole again.</summary>
    public async Task RestoreAsync(int node, bool restart, CancellationToken cancellationToken)
    {
        var since = DateTimeOffset.UtcNow;
        if (restart)
        {
            _processes[node]?.Dispose();
            _processes[node] = null;
            Cleanup(node);
            await StartOnAsync(node, cancellationToken);
        }

        await WaitSettledAsync(node, since, restart, cancellationToken);
    }

    public virtual void Dispose()
    {
        foreach (var process in _processes)
        {
            process?.Dispose();
        }
    }

    /// <summary>Before the nodes start: what they share (an API server, say).</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every node started: waits until they form one system.</summary>
    protected virtual Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the program on a node; returns once it runs.</summary>
    protected abstract Task<LabProcess> LaunchAsync(int node, CancellationToken cancellationToken);

    /// <summary>Waits until the other members know <paramref name="node"/> again (it restarted, or its link came back).</summary>
    protected abstract Task WaitSettledAsync(int node, DateTimeOffset since, bool restarted, CancellationToken cancellationToken);

    /// <summary>Removes what a killed process left behind on a node before it restarts.</summary>
    protected virtual void Cleanup(int node)
    {
    }

    protected IEnumerable<LabProcess> Others(int node) => _processes.Where((p, i) => i != node && p is { HasExited: false }).Cast<LabProcess>();

    private async Task StartOnAsync(int node, CancellationToken cancellationToken) => _processes[node] = await LaunchAsync(node, cancellationToken);
}
