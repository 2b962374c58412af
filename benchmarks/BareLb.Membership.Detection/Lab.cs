using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BareLb.Membership.Detection;

/// <summary>
/// Network namespaces for the harness: a switch namespace holding a bridge, and one namespace per
/// member joined to it by a veth (<c>vm</c> inside, member i at 198.19.(i / 200).(i % 200 + 1)/16).
/// Names start with <c>bld-PID-</c>; leftovers of dead harness processes are swept at start, and
/// <see cref="Dispose"/> deletes everything.
/// </summary>
internal sealed partial class Lab : IDisposable
{
    private const string Prefix = "bld-";
    private const int CloneNewNet = 0x40000000;
    private readonly string _id;
    private readonly List<string> _namespaces = [];

    public Lab(int members)
    {
        Sweep();
        _id = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}");
        try
        {
            Switch = Add("sw");
            Exec(Switch, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
            Exec(Switch, "ip", "link", "set", "br0", "up");
            Members = [.. Enumerable.Range(0, members).Select(AddMember)];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Switch { get; }

    public IReadOnlyList<string> Members { get; } = [];

    public static IPAddress AddressOf(int member) => IPAddress.Parse($"198.19.{member / 200}.{(member % 200) + 1}");

    public void LinkDown(int member) => Exec(Members[member], "ip", "link", "set", "vm", "down");

    public void LinkUp(int member) => Exec(Members[member], "ip", "link", "set", "vm", "up");

    /// <summary>Adds <c>tc netem</c> loss to every member's outgoing packets (each packet crosses one such link).</summary>
    public void AddLoss(double percent)
    {
        foreach (var ns in Members)
        {
            Exec(ns, "tc", "qdisc", "add", "dev", "vm", "root", "netem", "loss", percent.ToString("0.###", CultureInfo.InvariantCulture) + "%");
        }
    }

    /// <summary>Creates a socket inside a member's namespace.</summary>
    public Socket CreateSocket(int member, AddressFamily family, SocketType type, ProtocolType protocol)
        => Run(Members[member], () => new Socket(family, type, protocol));

    public void Dispose()
    {
        foreach (var ns in _namespaces)
        {
            Delete(ns);
        }

        _namespaces.Clear();
    }

    public static void Exec(string ns, params string[] arguments) => Must("ip", ["netns", "exec", ns, .. arguments]);

    public static string Must(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result.Trim()}");
    }

    private static T Run<T>(string ns, Func<T> action)
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

    private static void Delete(string ns)
    {
        try
        {
            Must("ip", "netns", "del", ns);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void Sweep()
    {
        foreach (var line in Must("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            var parts = name.Split('-');
            if (name.StartsWith(Prefix, StringComparison.Ordinal) && parts.Length >= 3
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                Delete(name);
            }
        }
    }

    private string Add(string role)
    {
        var ns = $"{_id}-{role}";
        Must("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Exec(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    private string AddMember(int index)
    {
        var ns = Add("m" + index.ToString(CultureInfo.InvariantCulture));
        var port = "p" + index.ToString(CultureInfo.InvariantCulture);
        Must("ip", "link", "add", "vm", "netns", ns, "type", "veth", "peer", "name", port, "netns", Switch);
        Exec(Switch, "ip", "link", "set", port, "master", "br0", "up");
        Exec(ns, "ip", "addr", "add", AddressOf(index) + "/16", "dev", "vm");
        Exec(ns, "ip", "link", "set", "vm", "up");
        return ns;
    }
}
