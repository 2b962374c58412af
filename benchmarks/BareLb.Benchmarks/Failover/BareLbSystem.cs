using System.Net;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Benchmarks.Failover;

/// <summary>
/// <c>barelb-speaker standalone</c> on every node at its defaults, with membership: the same address, each
/// joining all three (<c>--join</c> every node, <c>--bind</c> its own address, <c>--node-name nN</c>).
/// </summary>
internal sealed class BareLbSystem(NetworkLab lab, string speaker, IPAddress address) : ApplianceSystem(lab, "BareLb", address)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected override async Task<LabProcess> LaunchAsync(int node, CancellationToken cancellationToken)
    {
        var host = Lab.Nodes[node];
        List<string> arguments = ["standalone", "--interface", LabHost.Interface, "--address", Address.ToString(), "--node-name", host.Role, "--bind", host.Ipv4.ToString()];
        foreach (var member in Lab.Nodes)
        {
            arguments.AddRange(["--join", member.Ipv4.ToString()]);
        }

        var process = host.Start(speaker, arguments, null);
        await process.WaitForLineAsync(l => l.Text.Contains("StandaloneFailover[5010]", StringComparison.Ordinal), Patience, cancellationToken);
        return process;
    }

    protected override async Task WaitSettledAsync(int node, DateTimeOffset since, bool restarted, CancellationToken cancellationToken)
    {
        // Every survivor sees the member come back ("Member nN: Joined", or Alive when its link returned before it was declared dead).
        var name = Lab.Nodes[node].Role;
        var waits = Others(node).Select(p => p.WaitForLineAsync(
            l => l.Time >= since && (l.Text.Contains($"Member {name}: Joined", StringComparison.Ordinal) || l.Text.Contains($"Member {name}: Alive", StringComparison.Ordinal)),
            Patience,
            cancellationToken));
        await Task.WhenAll(waits);
    }
}
