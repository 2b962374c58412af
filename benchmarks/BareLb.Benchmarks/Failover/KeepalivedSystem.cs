using System.Globalization;
using System.Net;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Benchmarks.Failover;

/// <summary>
/// keepalived from Debian's package on every node, holding the address by VRRP on <c>eth0</c>: all BACKUP at
/// priority 100 with <c>nopreempt</c> (so a returning node does not take the address back), and otherwise its
/// defaults (gratuitous ARPs at takeover: 5, and 5 more after 5 s). <c>advert_int</c> below 1 s needs VRRPv3.
/// </summary>
internal sealed class KeepalivedSystem(NetworkLab lab, IPAddress address, double advertSeconds, int routerId)
    : ApplianceSystem(lab, string.Create(CultureInfo.InvariantCulture, $"keepalived advert_int {advertSeconds:0.###}"), address)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    protected override async Task<LabProcess> LaunchAsync(int node, CancellationToken cancellationToken)
    {
        var host = Lab.Nodes[node];
        var tag = string.Create(CultureInfo.InvariantCulture, $"ka{routerId}-{host.Role}");
        var config = Path.Combine(Lab.Directory, tag + ".conf");
        var version = advertSeconds < 1 ? "3" : "2";
        await File.WriteAllTextAsync(config, $$"""
            global_defs {
                router_id {{tag}}
                vrrp_version {{version}}
            }
            vrrp_instance VI_{{routerId}} {
                state BACKUP
                nopreempt
                interface {{LabHost.Interface}}
                virtual_router_id {{routerId}}
                priority 100
                advert_int {{advertSeconds.ToString("0.###", CultureInfo.InvariantCulture)}}
                virtual_ipaddress {
                    {{Address}}/{{Lab.Options.Ipv4Subnet.PrefixLength}} dev {{LabHost.Interface}}
                }
            }
            """, cancellationToken);
        string[] arguments =
        [
            "--dont-fork", "--log-console", "--log-detail", "--vrrp", "--use-file", config,
            "--pid", Path.Combine(Lab.Directory, tag + ".pid"), "--vrrp_pid", Path.Combine(Lab.Directory, tag + "-vrrp.pid"),
            "--checkers_pid", Path.Combine(Lab.Directory, tag + "-checkers.pid"),
        ];
        var process = host.Start("keepalived", arguments, null);
        await process.WaitForLineAsync(l => l.Text.Contains("Entering BACKUP STATE", StringComparison.Ordinal) || l.Text.Contains("Entering MASTER STATE", StringComparison.Ordinal), Patience, cancellationToken);
        return process;
    }

    /// <summary>
    /// A SIGKILLed keepalived leaves the address on eth0, where the kernel keeps answering for it, and its pid
    /// files, which make the next one believe it is already running.
    /// </summary>
    protected override void Cleanup(int node)
    {
        Lab.Nodes[node].TryExec("ip", "addr", "del", $"{Address}/{Lab.Options.Ipv4Subnet.PrefixLength}", "dev", LabHost.Interface);
        foreach (var pidFile in Directory.GetFiles(Lab.Directory, string.Create(CultureInfo.InvariantCulture, $"ka{routerId}-{Lab.Nodes[node].Role}*.pid")))
        {
            File.Delete(pidFile);
        }
    }

    protected override async Task WaitSettledAsync(int node, DateTimeOffset since, bool restarted, CancellationToken cancellationToken)
    {
        // One master again: exactly one node holds the address.
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (Holders() != 1)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name}: {Holders()} nodes hold {Address} {Patience.TotalSeconds:0} s after restoring {Lab.Nodes[node].Role}.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private int Holders() => Lab.Nodes.Count(n => n.TryExec("ip", "-o", "addr", "show", "dev", LabHost.Interface).Output.Contains($" {Address}/", StringComparison.Ordinal));
}
