using System.Text.RegularExpressions;
using BareLb.Arp.Codecs;

namespace BareLb.Hosts.Tests.Network;

/// <summary>Shared checks of the network tests.</summary>
internal static partial class NetworkFacts
{
    public static void RequireRoot()
        => Assert.SkipUnless(Environment.IsPrivilegedProcess, "Network namespace tests need root (CAP_SYS_ADMIN and CAP_NET_RAW); CI runs them as root.");

    /// <summary>Runs arping from the client; returns the MACs that answered.</summary>
    public static IReadOnlyList<MacAddress> Arping(Topology topology, string address, int count = 2)
    {
        var result = Namespaces.TryExec(topology.Client, "arping", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", (count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "vc", address);
        return [.. ArpingReply().Matches(result.Output).Select(m => MacAddress.Parse(m.Groups[1].Value))];
    }

    /// <summary>Runs ndisc6 from the client; returns the MAC it learned, or null.</summary>
    public static MacAddress? Ndisc6(Topology topology, string address)
    {
        var result = Namespaces.TryExec(topology.Client, "ndisc6", "-r", "2", "-w", "1000", address, "vc");
        var match = Ndisc6Reply().Match(result.Output);
        return match.Success ? MacAddress.Parse(match.Groups[1].Value.ToLowerInvariant()) : null;
    }

    public static bool Ping(Topology topology, string address)
        => Namespaces.TryExec(topology.Client, "ping", "-c", "1", "-W", "2", address).ExitCode == 0;

    /// <summary>Polls until the client's neighbour entry for an address is <paramref name="expected"/>; returns how long that took, or null.</summary>
    public static TimeSpan? WaitForNeighbour(Topology topology, string address, MacAddress expected, DateTime since, TimeSpan limit)
    {
        while (DateTime.UtcNow - since < limit)
        {
            if (topology.ClientNeighbour(address) == expected)
            {
                return DateTime.UtcNow - since;
            }

            Thread.Sleep(20);
        }

        return topology.ClientNeighbour(address) == expected ? DateTime.UtcNow - since : null;
    }

    [GeneratedRegex(@"bytes from ([0-9a-f:]{17}) ")]
    private static partial Regex ArpingReply();

    [GeneratedRegex(@"Target link-layer address: ([0-9A-Fa-f:]{17})")]
    private static partial Regex Ndisc6Reply();
}
