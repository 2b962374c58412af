using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Processes;
using BareLb.Lab.Topology;

namespace BareLb.Membership.Detection;

/// <summary>
/// A <see cref="NetworkLab"/> (BareLb.Lab: namespaces on a bridge, no client, no API) holding the
/// members: one node per member while the kernel's neighbour table allows (<see cref="NodesFor"/>),
/// beyond that several members per node, each on an address of its own on the node's <c>eth0</c>.
/// Setting a node's link down cuts off every member it holds.
/// </summary>
internal sealed class Lab : IDisposable
{
    private static readonly IPNetwork Subnet = IPNetwork.Parse("198.18.36.0/23");
    private readonly NetworkLab _lab;
    private readonly IPAddress[] _addresses;

    public Lab(int members)
    {
        NetworkNamespaces.Sweep("bld");
        _lab = NetworkLab.Create(new LabOptions { Prefix = "bld", Nodes = NodesFor(members), Client = false, Api = false, Ipv4Subnet = Subnet });
        try
        {
            _addresses = new IPAddress[members];
            for (var member = 0; member < members; member++)
            {
                var node = NodeOf(member);
                if (member < _lab.Nodes.Count)
                {
                    _addresses[member] = node.Ipv4;
                }
                else
                {
                    _addresses[member] = LabAddressing.Host(Subnet, 200 + member);
                    node.Exec("ip", "addr", "add", $"{_addresses[member]}/{Subnet.PrefixLength}", "dev", LabHost.Interface);
                }
            }
        }
        catch
        {
            _lab.Dispose();
            throw;
        }
    }

    public int Nodes => _lab.Nodes.Count;

    /// <summary>
    /// How many namespaces hold <paramref name="members"/>: one each while the neighbour entries they need stay under
    /// <see cref="NeighbourBudget"/>, fewer (several members each) beyond. The kernel keeps one ARP table for all
    /// namespaces: every namespace learns every other member's address, so N namespaces for M members need about
    /// N x (M - M / N) entries, and past <c>gc_thresh3</c> (1,024 by default) new ones are refused ("neighbor table
    /// overflow"): the last members started could not reach anyone, which made 40 members one per namespace never
    /// converge. Members sharing a namespace reach each other through its loopback, without ARP.
    /// </summary>
    public static int NodesFor(int members) =>
        Math.Clamp(NeighbourBudget() / Math.Max(members, 1) + 1, 1, Math.Min(members, LabOptions.MaxNodes));

    /// <summary>
    /// Nine tenths of the kernel's <c>gc_thresh2</c> (above which it collects neighbour entries hard, and
    /// which is half of <c>gc_thresh3</c> by default), read, not changed: the host's settings stay as they are.
    /// </summary>
    private static int NeighbourBudget()
    {
        const string Path = "/proc/sys/net/ipv4/neigh/default/gc_thresh2";
        var threshold = File.Exists(Path) && int.TryParse(File.ReadAllText(Path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var read) ? read : 512;
        return threshold * 9 / 10;
    }

    public int Members => _addresses.Length;

    public IPAddress AddressOf(int member) => _addresses[member];

    /// <summary>The members on the same node as <paramref name="member"/>, itself included.</summary>
    public IReadOnlyList<int> Neighbours(int member) => [.. Enumerable.Range(0, _addresses.Length).Where(m => m % Nodes == member % Nodes)];

    public void LinkDown(int member) => NodeOf(member).SetLink(up: false);

    public void LinkUp(int member) => NodeOf(member).SetLink(up: true);

    /// <summary>Loss on every node's outgoing packets (tc netem, or an iptables statistic rule on kernels without netem).</summary>
    public void AddLoss(double percent)
    {
        foreach (var node in _lab.Nodes)
        {
            node.SetNetem(percent);
        }
    }

    /// <summary>Creates a socket inside a member's namespace.</summary>
    public Socket CreateSocket(int member, AddressFamily family, SocketType type, ProtocolType protocol)
        => NetworkNamespaces.Run(NodeOf(member).Namespace, () => new Socket(family, type, protocol));

    /// <summary>Starts a program in a member's namespace.</summary>
    public LabProcess Start(int member, string program, IEnumerable<string> arguments) => NodeOf(member).Start(program, arguments, null);

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{_addresses.Length} members on {Nodes} namespaces of lab {_lab.Id}");

    public void Dispose() => _lab.Dispose();

    private LabHost NodeOf(int member) => _lab.Nodes[member % _lab.Nodes.Count];
}
