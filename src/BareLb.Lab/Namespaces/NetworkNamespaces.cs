using System.Globalization;
using System.Runtime.InteropServices;
using BareLb.Lab.Commands;
using Microsoft.Win32.SafeHandles;

namespace BareLb.Lab.Namespaces;

/// <summary>
/// Named network namespaces (<c>ip netns</c>) of the form <c>PREFIX-PID-ID-ROLE</c>: PID is the
/// process that created it, so that <see cref="Sweep"/> can remove the leftovers of processes that
/// no longer run without touching a live lab, and ID is random per lab, so that two labs of one
/// process never collide.
/// </summary>
public static partial class NetworkNamespaces
{
    private const int CloneNewNet = 0x40000000;
    private const string RunDirectory = "/var/run/netns";

    /// <summary>Whether this process may create namespaces (root, or CAP_SYS_ADMIN and CAP_NET_ADMIN).</summary>
    public static bool CanCreate => Environment.IsPrivilegedProcess;

    /// <summary>The name a namespace of a lab gets.</summary>
    /// <param name="prefix">The lab's prefix (see <see cref="LabNames.ValidatePrefix"/>).</param>
    /// <param name="labId">The lab's random id.</param>
    /// <param name="role">The namespace's role in the lab: <c>br</c>, <c>client</c>, <c>api</c>, <c>n1</c>.</param>
    public static string NameOf(string prefix, string labId, string role)
        => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Environment.ProcessId}-{labId}-{role}");

    /// <summary>Creates a namespace with its loopback up and duplicate address detection off.</summary>
    /// <param name="name">The full name.</param>
    public static void Create(string name)
    {
        Command.Must("ip", "netns", "add", name);
        try
        {
            Exec(name, "ip", "link", "set", "lo", "up");
            Exec(name, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        }
        catch
        {
            Delete(name);
            throw;
        }
    }

    /// <summary>The namespaces that exist now.</summary>
    public static IReadOnlyList<string> List()
        => [.. Command.Run("ip", "netns", "list").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0])];

    /// <summary>Whether a namespace exists.</summary>
    /// <param name="name">The full name.</param>
    public static bool Exists(string name) => File.Exists(Path.Combine(RunDirectory, name));

    /// <summary>Kills every process still inside a namespace (SIGKILL), then deletes it. Missing namespaces are ignored.</summary>
    /// <param name="name">The full name.</param>
    public static void Delete(string name)
    {
        if (!Exists(name))
        {
            return;
        }

        foreach (var pid in Command.Run("ip", "netns", "pids", name).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                Signals.Send(id, Signals.Kill);
            }
        }

        Command.Run("ip", "netns", "del", name);
    }

    /// <summary>Runs a program inside a namespace and throws <see cref="LabException"/> if it fails.</summary>
    /// <param name="name">The namespace.</param>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>Its standard output.</returns>
    public static string Exec(string name, string file, params string[] arguments)
        => Command.Must("ip", ["netns", "exec", name, file, .. arguments]);

    /// <summary>Runs a program inside a namespace and returns its result whatever the exit code.</summary>
    /// <param name="name">The namespace.</param>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    public static CommandResult TryExec(string name, string file, params string[] arguments)
        => Command.Run("ip", ["netns", "exec", name, file, .. arguments]);

    /// <summary>
    /// Deletes the namespaces (and lab directories) of <paramref name="prefix"/> whose creating
    /// process no longer runs. Returns the names it deleted.
    /// </summary>
    /// <param name="prefix">The prefix of the labs to sweep.</param>
    public static IReadOnlyList<string> Sweep(string prefix)
    {
        LabNames.ValidatePrefix(prefix);
        var deleted = new List<string>();
        foreach (var name in List())
        {
            if (LabNames.IsLeftover(prefix, name))
            {
                Delete(name);
                deleted.Add(name);
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "-*"))
        {
            if (LabNames.IsLeftover(prefix, Path.GetFileName(directory)))
            {
                TryDeleteDirectory(directory);
            }
        }

        return deleted;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread that has entered the namespace; sockets it
    /// creates stay in the namespace after it returns.
    /// </summary>
    /// <typeparam name="T">The action's result.</typeparam>
    /// <param name="name">The namespace.</param>
    /// <param name="action">The action.</param>
    public static T Run<T>(string name, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine(RunDirectory, name), FileMode.Open, FileAccess.Read);
                if (SetNs(handle, CloneNewNet) != 0)
                {
                    throw new LabException($"Namespace {name}: setns failed: {Marshal.GetLastPInvokeErrorMessage()}");
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
        return failure is null ? result : throw new LabException($"Namespace {name}: {failure.Message}", failure);
    }

    internal static void TryDeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still open by a process being killed; the next sweep takes it.
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(SafeFileHandle fd, int type);
}
