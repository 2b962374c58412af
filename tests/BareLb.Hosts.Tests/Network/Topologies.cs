using BareLb.Arp.Codecs;

namespace BareLb.Hosts.Tests.Network;

/// <summary>
/// A client namespace and node namespaces on one segment: joined by a veth pair when there is
/// one node, by a bridge in a switch namespace when there are more. The client's interface is
/// <c>vc</c> (198.18.0.1/24, 2001:db8::1/64); node n's is <c>vn</c> (198.18.0.(1+n)/24,
/// 2001:db8::(1+n)/64) and it holds the service addresses on <c>lo</c> with arp_ignore=1 and
/// arp_announce=2, so the kernel does not answer for them: only BareLb does.
/// </summary>
internal sealed class Topology : IDisposable
{
    public static readonly string[] ServiceV4 = ["198.18.0.100", "198.18.0.101"];
    public static readonly string[] ServiceV6 = ["2001:db8::100", "2001:db8::101"];

    private readonly List<string> _namespaces = [];

    public Topology(int nodes)
    {
        try
        {
            Client = Add("c");
            Nodes = [.. Enumerable.Range(1, nodes).Select(i => Add("n" + i))];
            if (nodes == 1)
            {
                Shell.Must("ip", "link", "add", "vc", "netns", Client, "type", "veth", "peer", "name", "vn", "netns", Nodes[0]);
            }
            else
            {
                Switch = Add("s");
                Namespaces.Exec(Switch, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
                Shell.Must("ip", "link", "add", "vc", "netns", Client, "type", "veth", "peer", "name", "pc", "netns", Switch);
                Namespaces.Exec(Switch, "ip", "link", "set", "pc", "master", "br0", "up");
                for (var i = 0; i < nodes; i++)
                {
                    var port = "p" + (i + 1);
                    Shell.Must("ip", "link", "add", "vn", "netns", Nodes[i], "type", "veth", "peer", "name", port, "netns", Switch);
                    Namespaces.Exec(Switch, "ip", "link", "set", port, "master", "br0", "up");
                }

                Namespaces.Exec(Switch, "ip", "link", "set", "br0", "up");
            }

            Namespaces.Exec(Client, "ip", "addr", "add", "198.18.0.1/24", "dev", "vc");
            Namespaces.Exec(Client, "ip", "addr", "add", "2001:db8::1/64", "dev", "vc", "nodad");
            Namespaces.Exec(Client, "ip", "link", "set", "vc", "up");
            for (var i = 0; i < nodes; i++)
            {
                var node = Nodes[i];
                Namespaces.Exec(node, "sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
                Namespaces.Exec(node, "ip", "addr", "add", $"198.18.0.{2 + i}/24", "dev", "vn");
                Namespaces.Exec(node, "ip", "addr", "add", $"2001:db8::{2 + i}/64", "dev", "vn", "nodad");
                foreach (var address in ServiceV4)
                {
                    Namespaces.Exec(node, "ip", "addr", "add", address + "/32", "dev", "lo");
                }

                foreach (var address in ServiceV6)
                {
                    Namespaces.Exec(node, "ip", "addr", "add", address + "/128", "dev", "lo", "nodad");
                }

                Namespaces.Exec(node, "ip", "link", "set", "vn", "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Client { get; }

    public IReadOnlyList<string> Nodes { get; }

    public string? Switch { get; }

    public MacAddress NodeMac(int index) => MacOf(Nodes[index], "vn");

    public static MacAddress MacOf(string ns, string device)
        => MacAddress.Parse(Namespaces.Exec(ns, "cat", $"/sys/class/net/{device}/address").Trim());

    /// <summary>The MAC the client's neighbour table holds for an address, or null.</summary>
    public MacAddress? ClientNeighbour(string address)
    {
        var line = Namespaces.Exec(Client, "ip", "neigh", "show", address, "dev", "vc").Trim();
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(parts, "lladdr");
        return index >= 0 && index + 1 < parts.Length && MacAddress.TryParse(parts[index + 1], out var mac) ? mac : null;
    }

    public void Dispose()
    {
        foreach (var ns in _namespaces)
        {
            Namespaces.Delete(ns);
        }
    }

    private string Add(string role)
    {
        var ns = Namespaces.Create(role);
        _namespaces.Add(ns);
        return ns;
    }
}
