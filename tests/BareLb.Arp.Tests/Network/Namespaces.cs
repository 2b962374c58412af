using System.Globalization;

namespace BareLb.Arp.Tests.Network;

/// <summary>
/// Creates network namespaces named <c>blt-PID-RANDOM-ROLE</c> and deletes them; on first use
/// sweeps namespaces of that prefix left behind by test processes that no longer run.
/// Only 198.18.0.0/15 and 2001:db8::/32 addresses are ever configured in them.
/// </summary>
internal static class Namespaces
{
    public const string Prefix = "blt-";
    private static readonly Lazy<bool> Swept = new(Sweep);

    public static string Create(string role)
    {
        _ = Swept.Value;
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}-{role}");
        Shell.Must("ip", "netns", "add", name);
        Exec(name, "ip", "link", "set", "lo", "up");
        Exec(name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        return name;
    }

    public static void Delete(string name)
    {
        // Kill anything still running inside (tcpdump, speakers) before removing it.
        var pids = Shell.Run("ip", "netns", "pids", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var pid in pids)
        {
            Shell.Run("kill", "-9", pid);
        }

        Shell.Run("ip", "netns", "del", name);
    }

    public static string Exec(string ns, string file, params string[] arguments) => Shell.Must("ip", ["netns", "exec", ns, file, .. arguments]);

    public static Shell.Result TryExec(string ns, string file, params string[] arguments) => Shell.Run("ip", ["netns", "exec", ns, file, .. arguments]);

    private static bool Sweep()
    {
        var list = Shell.Run("ip", "netns", "list").Output;
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var parts = name.Split('-');
            if (parts.Length >= 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                Delete(name);
            }
        }

        return true;
    }
}
