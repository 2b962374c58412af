using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BareLb.Membership.Tests.Support;

/// <summary>
/// Network namespaces named <c>blm-PID-RANDOM-ROLE</c> (imitating BareLb.Arp.Tests' Namespaces):
/// created by the test, deleted in finally, leftovers of dead test processes swept on first use.
/// Only 198.18.0.0/15 addresses are configured in them.
/// </summary>
internal static partial class Namespaces
{
    public const string Prefix = "blm-";
    private const int CloneNewNet = 0x40000000;
    private static readonly Lazy<bool> Swept = new(Sweep);

    public static void RequireRoot()
        => Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root (CAP_SYS_ADMIN); CI runs them as root.");

    public static string Create(string role)
    {
        _ = Swept.Value;
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}-{role}");
        Shell.Must("ip", "netns", "add", name);
        Exec(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    public static void Delete(string name)
    {
        foreach (var pid in Shell.Run("ip", "netns", "pids", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Shell.Run("kill", "-9", pid);
        }

        Shell.Run("ip", "netns", "del", name);
    }

    public static string Exec(string ns, string file, params string[] arguments) => Shell.Must("ip", ["netns", "exec", ns, file, .. arguments]);

    /// <summary>Runs <paramref name="action"/> on a thread inside the namespace; sockets created there stay in it.</summary>
    public static T Run<T>(string ns, Func<T> action)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/var/run/netns", ns), FileMode.Open, FileAccess.Read);
                if (SetNs(handle, CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns {ns}: {Marshal.GetLastPInvokeErrorMessage()}");
                }

                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException(failure.Message, failure);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(SafeFileHandle fd, int type);

    private static bool Sweep()
    {
        foreach (var line in Shell.Run("ip", "netns", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            var parts = name.Split('-');
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && parts.Length >= 3
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                Delete(name);
            }
        }

        return true;
    }
}
