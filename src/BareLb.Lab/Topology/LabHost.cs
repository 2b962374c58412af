using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Commands;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Processes;

namespace BareLb.Lab.Topology;

/// <summary>
/// One namespace of a lab on the bridge (a node, the client or the API): its interface
/// <see cref="Interface"/> (<c>eth0</c>), its addresses, and the faults a test injects into it.
/// </summary>
public sealed class LabHost
{
    /// <summary>The interface every host has on the bridge.</summary>
    public const string Interface = "eth0";

    /// <summary>The dummy interface of nodes that holds service addresses, as kube-proxy in IPVS mode.</summary>
    public const string KubeIpvs = "kube-ipvs0";

    private const string LossComment = "barelb-lab-loss";
    private readonly NetworkLab _lab;
    private readonly Lock _gate = new();
    private readonly HashSet<(string Protocol, int Port)> _blocked = [];

    internal LabHost(NetworkLab lab, string role, string ns, IPAddress ipv4, IPAddress ipv6, string bridgePort)
    {
        _lab = lab;
        Role = role;
        Namespace = ns;
        Ipv4 = ipv4;
        Ipv6 = ipv6;
        BridgePort = bridgePort;
    }

    /// <summary>The role: <c>client</c>, <c>api</c>, <c>n1</c>, <c>n2</c>...</summary>
    public string Role { get; }

    /// <summary>The namespace's full name (for <c>ip netns exec</c>).</summary>
    public string Namespace { get; }

    /// <summary>The host's IPv4 address on <see cref="Interface"/>.</summary>
    public IPAddress Ipv4 { get; }

    /// <summary>The host's IPv6 address on <see cref="Interface"/>.</summary>
    public IPAddress Ipv6 { get; }

    /// <summary>The name of the host's veth peer in the bridge namespace.</summary>
    public string BridgePort { get; }

    /// <summary>The MAC address of <see cref="Interface"/>, lower case with colons.</summary>
    public string Mac => Exec("cat", $"/sys/class/net/{Interface}/address").Trim();

    /// <summary>Runs a program in the namespace; throws <see cref="LabException"/> if it fails.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>Its standard output.</returns>
    public string Exec(string file, params string[] arguments) => NetworkNamespaces.Exec(Namespace, file, arguments);

    /// <summary>Runs a program in the namespace and returns its result whatever the exit code.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    public CommandResult TryExec(string file, params string[] arguments) => NetworkNamespaces.TryExec(Namespace, file, arguments);

    /// <summary>Starts a program in the namespace; the lab kills it on dispose if it still runs.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    public LabProcess Start(string file, params string[] arguments) => Start(file, arguments, null);

    /// <summary>Starts a program in the namespace with extra environment variables.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="environment">Extra environment variables, or null.</param>
    public LabProcess Start(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
        => _lab.Track(LabProcess.Start(Namespace, file, arguments, environment));

    /// <summary>Sets <see cref="Interface"/> up or down (addresses are kept while down).</summary>
    /// <param name="up">Up or down.</param>
    public void SetLink(bool up) => Exec("ip", "link", "set", Interface, up ? "up" : "down");

    /// <summary>
    /// Drops every TCP or UDP packet to or from <paramref name="port"/> in and out of this host
    /// (iptables and ip6tables), as a firewall that blocks the membership port.
    /// </summary>
    /// <param name="protocol"><see cref="ProtocolType.Tcp"/> or <see cref="ProtocolType.Udp"/>.</param>
    /// <param name="port">The port.</param>
    public void BlockPort(ProtocolType protocol, int port)
    {
        var name = ProtocolName(protocol, port);
        lock (_gate)
        {
            if (_blocked.Add((name, port)))
            {
                ChangeRules("-I", name, port);
            }
        }
    }

    /// <summary>Removes what <see cref="BlockPort"/> added.</summary>
    /// <param name="protocol"><see cref="ProtocolType.Tcp"/> or <see cref="ProtocolType.Udp"/>.</param>
    /// <param name="port">The port.</param>
    public void UnblockPort(ProtocolType protocol, int port)
    {
        var name = ProtocolName(protocol, port);
        lock (_gate)
        {
            if (_blocked.Remove((name, port)))
            {
                ChangeRules("-D", name, port);
            }
        }
    }

    /// <summary>
    /// Applies loss and delay to what leaves <see cref="Interface"/> with <c>tc netem</c>, replacing
    /// any earlier setting. Kernels without netem get the loss alone from an iptables
    /// <c>statistic</c> rule on IP packets (ARP and NDP are then spared); a delay then cannot be
    /// applied and is refused.
    /// </summary>
    /// <param name="lossPercent">Packet loss, 0 to 100.</param>
    /// <param name="delay">Added delay.</param>
    /// <param name="jitter">Delay variation.</param>
    public void SetNetem(double lossPercent, TimeSpan delay = default, TimeSpan jitter = default)
    {
        if (lossPercent is < 0 or > 100 || double.IsNaN(lossPercent))
        {
            throw new LabException($"Lab host {Role}: netem loss {lossPercent} must be between 0 and 100 percent.");
        }

        ClearNetem();
        var arguments = new List<string> { "qdisc", "replace", "dev", Interface, "root", "netem" };
        if (delay > TimeSpan.Zero)
        {
            arguments.AddRange(["delay", Micros(delay)]);
            if (jitter > TimeSpan.Zero)
            {
                arguments.Add(Micros(jitter));
            }
        }

        var loss = lossPercent.ToString("0.###", CultureInfo.InvariantCulture);
        arguments.AddRange(["loss", loss + "%"]);
        var netem = TryExec("tc", [.. arguments]);
        if (netem.Succeeded)
        {
            return;
        }

        if (delay > TimeSpan.Zero || !netem.Error.Contains("unknown", StringComparison.OrdinalIgnoreCase))
        {
            throw new LabException($"Lab host {Role}: tc netem failed ({netem.All.Trim()}); this kernel may lack sch_netem, and a delay has no fallback.");
        }

        if (lossPercent > 0)
        {
            var probability = (lossPercent / 100).ToString("0.#####", CultureInfo.InvariantCulture);
            foreach (var tool in new[] { "iptables", "ip6tables" })
            {
                Exec(tool, "-w", "-I", "OUTPUT", "-o", Interface, "-m", "statistic", "--mode", "random", "--probability", probability, "-m", "comment", "--comment", LossComment, "-j", "DROP");
            }
        }
    }

    /// <summary>Removes what <see cref="SetNetem"/> applied, if anything.</summary>
    public void ClearNetem()
    {
        TryExec("tc", "qdisc", "del", "dev", Interface, "root");
        foreach (var tool in new[] { "iptables", "ip6tables" })
        {
            foreach (var line in TryExec(tool, "-w", "-S", "OUTPUT").Output.Split('\n'))
            {
                if (line.Contains(LossComment, StringComparison.Ordinal) && line.StartsWith("-A ", StringComparison.Ordinal))
                {
                    TryExec(tool, ["-w", "-D", .. line[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a.Trim('"'))]);
                }
            }
        }
    }

    /// <summary>Adds an address to this node's <see cref="KubeIpvs"/> interface (nodes only).</summary>
    /// <param name="address">An address in the lab's subnets.</param>
    public void AddKubeIpvsAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        LabOptions.RequireAllowed("kube-ipvs0 address", address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Exec("ip", "addr", "replace", address + "/32", "dev", KubeIpvs);
        }
        else
        {
            Exec("ip", "addr", "replace", address + "/128", "dev", KubeIpvs, "nodad");
        }
    }

    /// <summary>Removes an address from this node's <see cref="KubeIpvs"/> interface.</summary>
    /// <param name="address">The address.</param>
    public void RemoveKubeIpvsAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var length = address.AddressFamily == AddressFamily.InterNetwork ? "/32" : "/128";
        TryExec("ip", "addr", "del", address + length, "dev", KubeIpvs);
    }

    /// <summary>The MAC address this host's neighbour table holds for <paramref name="address"/>, or null.</summary>
    /// <param name="address">The neighbour's address.</param>
    public string? Neighbour(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var parts = TryExec("ip", "neigh", "show", address.ToString(), "dev", Interface).Output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(parts, "lladdr");
        return index >= 0 && index + 1 < parts.Length ? parts[index + 1] : null;
    }

    /// <summary>Forgets the neighbour entry for an address.</summary>
    /// <param name="address">The neighbour's address.</param>
    public void FlushNeighbour(IPAddress address) => TryExec("ip", "neigh", "flush", "to", address?.ToString() ?? throw new ArgumentNullException(nameof(address)), "dev", Interface);

    /// <summary>Sends one ping to an address; true when it was answered within two seconds.</summary>
    /// <param name="address">The address.</param>
    public bool Ping(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return TryExec("ping", "-n", "-c", "1", "-W", "2", address.ToString()).Succeeded;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Role} ({Namespace}, {Ipv4}, {Ipv6})";

    private static string Micros(TimeSpan value) => ((long)value.TotalMicroseconds).ToString(CultureInfo.InvariantCulture) + "us";

    private static string ProtocolName(ProtocolType protocol, int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new LabException($"Lab: port {port} must be between 1 and 65535.");
        }

        return protocol switch
        {
            ProtocolType.Tcp => "tcp",
            ProtocolType.Udp => "udp",
            _ => throw new LabException($"Lab: protocol {protocol} cannot be blocked; use Tcp or Udp."),
        };
    }

    private void ChangeRules(string action, string protocol, int port)
    {
        var number = port.ToString(CultureInfo.InvariantCulture);
        foreach (var tool in new[] { "iptables", "ip6tables" })
        {
            foreach (var (chain, direction) in new[] { ("INPUT", "--dport"), ("INPUT", "--sport"), ("OUTPUT", "--dport"), ("OUTPUT", "--sport") })
            {
                Exec(tool, "-w", action, chain, "-p", protocol, direction, number, "-j", "DROP");
            }
        }
    }
}
