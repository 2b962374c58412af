using System.Diagnostics;
using System.Globalization;

namespace BareLb.Benchmarks.Arp.EndToEnd;

/// <summary>
/// A client and a node network namespace joined by a veth pair (vc, vn), created for a run and
/// deleted after it, plus a sweep of ones left by dead runs. Addresses from 198.18.0.0/15 only:
/// the client is 198.18.0.1, the node's interface 198.18.0.2 (the kernel answers ARP for it),
/// and the service address 198.18.0.100 sits on the node's lo with arp_ignore=1, so only
/// BareLb answers for it. Needs root.
/// </summary>
internal sealed class VethRig : IDisposable
{
    private const string Prefix = "blb-";

    public VethRig()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("The end-to-end ARP benchmarks create network namespaces and need root.");
        }

        Sweep();
        var id = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}");
        Client = id + "-c";
        Node = id + "-n";
        try
        {
            Run("ip", "netns", "add", Client);
            Run("ip", "netns", "add", Node);
            Run("ip", "link", "add", "vc", "netns", Client, "type", "veth", "peer", "name", "vn", "netns", Node);
            Exec(Node, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
            Exec(Client, "ip", "addr", "add", "198.18.0.1/24", "dev", "vc");
            Exec(Node, "ip", "addr", "add", "198.18.0.2/24", "dev", "vn");
            Exec(Node, "ip", "addr", "add", "198.18.0.100/32", "dev", "lo");
            foreach (var (ns, device) in new[] { (Client, "vc"), (Node, "vn"), (Client, "lo"), (Node, "lo") })
            {
                Exec(ns, "ip", "link", "set", device, "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Client { get; }

    public string Node { get; }

    public void Dispose()
    {
        Run("ip", "netns", "del", Client, ignoreFailure: true);
        Run("ip", "netns", "del", Node, ignoreFailure: true);
    }

    private static void Exec(string ns, params string[] command) => Run(["ip", "netns", "exec", ns, .. command]);

    private static void Sweep()
    {
        var list = Run(["ip", "netns", "list"]);
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            var parts = name.Split('-');
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && parts.Length >= 3
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                Run("ip", "netns", "del", name, ignoreFailure: true);
            }
        }
    }

    private static string Run(string file, string a, string b, string c, bool ignoreFailure) => Run([file, a, b, c], ignoreFailure);

    private static string Run(params string[] command) => Run(command, false);

    private static string Run(string[] command, bool ignoreFailure)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..])
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && !ignoreFailure)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed: {error.Trim()}");
        }

        return output;
    }
}
