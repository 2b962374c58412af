using BareLb.Lab;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Benchmarks.Failover;

/// <summary>
/// The Go agent (hashicorp/memberlist from Debian, configured as MetalLB's speaker configures it: DefaultLANConfig,
/// node name, bind address, port 7946) on every node: the time from a member's failure until both survivors
/// report it gone. That is when MetalLB would start moving its addresses, not when a client gets them back.
/// </summary>
internal sealed class MemberlistDetection(NetworkLab lab, string agent) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);
    private readonly LabProcess?[] _agents = new LabProcess?[lab.Nodes.Count];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var i = 0; i < lab.Nodes.Count; i++)
        {
            await LaunchAsync(i, cancellationToken);
        }
    }

    /// <summary>Fails member <paramref name="node"/> and returns when the survivors reported it gone (the later of the two).</summary>
    public async Task<RunSample> RunAsync(int node, FailureKind kind, CancellationToken cancellationToken)
    {
        var host = lab.Nodes[node];
        var pids = host.ProcessIds();
        var failure = DateTimeOffset.UtcNow;
        foreach (var pid in pids)
        {
            Signals.Send(pid, Signals.Kill);
        }

        if (kind == FailureKind.Crash)
        {
            host.SetLink(up: false);
        }

        var name = Name(node);
        var survivors = _agents.Where((a, i) => i != node).Cast<LabProcess>().ToList();
        var recovered = true;
        var latest = failure;
        foreach (var survivor in survivors)
        {
            try
            {
                var line = await survivor.WaitForLineAsync(l => l.Time >= failure && l.Text == $"leave {name}", Patience, cancellationToken);
                latest = line.Time > latest ? line.Time : latest;
            }
            catch (LabException)
            {
                recovered = false;
                latest = DateTimeOffset.UtcNow;
            }
        }

        // Restore: link up, the agent restarted and joined, both survivors seeing it again.
        host.SetLink(up: true);
        _agents[node]?.Dispose();
        var restarted = DateTimeOffset.UtcNow;
        await LaunchAsync(node, cancellationToken);
        await Task.WhenAll(survivors.Select(s => s.WaitForLineAsync(l => l.Time >= restarted && l.Text.StartsWith($"join {name} ", StringComparison.Ordinal), Patience, cancellationToken)));
        return new RunSample(latest - failure, 0, Recovered: recovered);
    }

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            agent?.Dispose();
        }
    }

    private static string Name(int node) => "agent-" + (node + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task LaunchAsync(int node, CancellationToken cancellationToken)
    {
        var host = lab.Nodes[node];
        var process = host.Start(agent, "-name", Name(node), "-bind", host.Ipv4.ToString(), "-port", "7946");
        _agents[node] = process;
        await process.WaitForLineAsync(l => l.Text.StartsWith("ready ", StringComparison.Ordinal), Patience, cancellationToken);
        var others = lab.Nodes.Where((_, i) => i != node && _agents[i] is { HasExited: false }).Select(n => $"{n.Ipv4}:7946").ToList();
        if (others.Count > 0)
        {
            process.Send("join " + string.Join(' ', others));
            await process.WaitForLineAsync(l => l.Text.StartsWith("joined ", StringComparison.Ordinal), Patience, cancellationToken);
        }
    }
}
