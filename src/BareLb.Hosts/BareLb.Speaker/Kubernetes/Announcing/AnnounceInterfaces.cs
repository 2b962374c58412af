using System.Globalization;
using BareLb.Core.Addresses;

namespace BareLb.Speaker.Kubernetes.Announcing;

/// <summary>
/// Which interfaces an address is announced on when its L2Advertisement names none, as MetalLB's
/// <c>internal/layer2</c> chooses them: every interface that is up with a carrier (<c>operstate</c> up: an empty bridge has none), is an Ethernet device
/// (<c>/sys/class/net/IF/type</c> 1), resolves addresses (neither <c>IFF_LOOPBACK</c> nor <c>IFF_NOARP</c>:
/// this leaves out <c>lo</c> and dummy devices such as <c>kube-ipvs0</c>), can broadcast, and is not
/// enslaved to a bridge or a bond (the master carries the address). IPv6 addresses go only where IPv6 runs
/// (the interface has a link-local address, needed as the source of neighbor advertisements).
/// </summary>
internal static class AnnounceInterfaces
{
    private const int IffUp = 0x1;
    private const int IffBroadcast = 0x2;
    private const int IffLoopback = 0x8;
    private const int IffNoArp = 0x80;
    private const int IffSlave = 0x800;
    private const int ArphrdEther = 1;

    /// <summary>The interfaces fit for <paramref name="address"/>'s family right now, in name order.</summary>
    public static IReadOnlyList<string> For(IPAddr address, string sysClassNet = "/sys/class/net")
    {
        if (!Directory.Exists(sysClassNet))
        {
            return [];
        }

        var fit = new List<string>();
        foreach (var directory in Directory.EnumerateFileSystemEntries(sysClassNet))
        {
            var name = Path.GetFileName(directory);
            if (Fits(directory, address.IsIPv4 ? null : name))
            {
                fit.Add(name);
            }
        }

        fit.Sort(StringComparer.Ordinal);
        return fit;
    }

    /// <summary>The names of every interface of the node, in any state (MetalLB's announcer lists them all); empty when there is no sysfs.</summary>
    public static IReadOnlySet<string> All(string sysClassNet = "/sys/class/net") =>
        Directory.Exists(sysClassNet)
            ? Directory.EnumerateFileSystemEntries(sysClassNet).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether the interface at <paramref name="directory"/> qualifies; with <paramref name="ipv6Name"/> also that it runs IPv6.</summary>
    internal static bool Fits(string directory, string? ipv6Name)
    {
        if (ReadNumber(Path.Combine(directory, "type")) != ArphrdEther || ReadNumber(Path.Combine(directory, "flags")) is not { } flags)
        {
            return false;
        }

        if ((flags & IffUp) == 0 || (flags & IffBroadcast) == 0 || (flags & (IffLoopback | IffNoArp | IffSlave)) != 0)
        {
            return false;
        }

        // The flags file holds the administrative flags only; the carrier shows in operstate ("unknown" for drivers that do not report one).
        if (ReadText(Path.Combine(directory, "operstate")) is not ("up" or "unknown"))
        {
            return false;
        }

        if (File.Exists(Path.Combine(directory, "master")) || Directory.Exists(Path.Combine(directory, "master")))
        {
            return false;
        }

        return ipv6Name is null || HasIPv6LinkLocal(ipv6Name);
    }

    private static bool HasIPv6LinkLocal(string name)
    {
        // /proc/net/if_inet6: address, index, prefix length, scope (0x20 = link), flags, name.
        try
        {
            foreach (var line in File.ReadLines("/proc/net/if_inet6"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length >= 6 && fields[5] == name && fields[3] == "20")
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return false;
        }

        return false;
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static int? ReadNumber(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.StartsWith("0x", StringComparison.Ordinal)
                ? int.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return null;
        }
    }
}
