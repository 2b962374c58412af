using System.Globalization;
using System.Runtime.InteropServices;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Processes;

namespace BareLb.Lab.Topology;

/// <summary>
/// A lab: a bridge (<c>br0</c>) in a namespace of its own, and node, client and API namespaces
/// joined to it by veth pairs, each with <c>eth0</c> on the segment. Nodes hold service addresses
/// on a <c>kube-ipvs0</c> dummy interface with <c>arp_ignore=1</c> and <c>arp_announce=2</c>, so
/// that their kernels never answer ARP or NDP for them: only a speaker does. Everything the lab
/// created (namespaces, the processes in them, its directory) is removed on dispose, when building
/// it fails, when the process exits or is interrupted (SIGINT, SIGTERM), and by the sweep the next
/// lab of the same prefix runs when the process that built it died without removing it.
/// </summary>
public sealed class NetworkLab : IDisposable
{
    private static readonly Lock LiveGate = new();
    private static readonly HashSet<NetworkLab> Live = [];
    private static readonly List<PosixSignalRegistration> SignalRegistrations = [];
    private static bool s_hooked;

    private readonly List<string> _namespaces = [];
    private readonly List<LabProcess> _processes = [];
    private readonly Lock _gate = new();
    private readonly List<LabHost> _nodes = [];
    private readonly List<LabHost> _podHosts = [];
    private int _disposed;

    private NetworkLab(LabOptions options)
    {
        Options = options;
        Id = LabNames.NewId();
        Directory = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"{options.Prefix}-{Environment.ProcessId}-{Id}"));
    }

    /// <summary>The options the lab was built with.</summary>
    public LabOptions Options { get; }

    /// <summary>The lab's random id, part of every namespace name.</summary>
    public string Id { get; }

    /// <summary>A directory of the lab's own for configuration files and captures, removed with it.</summary>
    public string Directory { get; }

    /// <summary>The namespace holding the bridge <c>br0</c>.</summary>
    public string BridgeNamespace { get; private set; } = string.Empty;

    /// <summary>The client namespace, or null when <see cref="LabOptions.Client"/> is false.</summary>
    public LabHost? Client { get; private set; }

    /// <summary>The API namespace, or null when <see cref="LabOptions.Api"/> is false.</summary>
    public LabHost? Api { get; private set; }

    /// <summary>The nodes, n1 first.</summary>
    public IReadOnlyList<LabHost> Nodes => _nodes;

    /// <summary>The pod hosts (<see cref="LabOptions.PodHosts"/>), pod1 first.</summary>
    public IReadOnlyList<LabHost> PodHosts => _podHosts;

    /// <summary>Every namespace the lab created, the bridge's first.</summary>
    public IReadOnlyList<string> Namespaces
    {
        get
        {
            lock (_gate)
            {
                return [.. _namespaces];
            }
        }
    }

    /// <summary>The client, or throws when the lab has none.</summary>
    public LabHost RequireClient() => Client ?? throw new LabException("Lab: it has no client namespace (LabOptions.Client is false).");

    /// <summary>
    /// Builds a lab. Sweeps the leftovers of dead processes first; removes what it created and
    /// rethrows when any step fails.
    /// </summary>
    /// <param name="options">What to build; validated first.</param>
    public static NetworkLab Create(LabOptions options) => Create(options, null);

    /// <summary>Builds a lab and runs <paramref name="afterBuild"/> inside the same clean-up (tests make it fail).</summary>
    internal static NetworkLab Create(LabOptions options, Action<NetworkLab>? afterBuild)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!NetworkNamespaces.CanCreate)
        {
            throw new LabException("Lab: building network namespaces needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN).");
        }

        NetworkNamespaces.Sweep(options.Prefix);
        var lab = new NetworkLab(options);
        Register(lab);
        try
        {
            lab.Build();
            afterBuild?.Invoke(lab);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>Removes everything the lab created. Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<LabProcess> processes;
        List<string> namespaces;
        lock (_gate)
        {
            processes = [.. _processes];
            namespaces = [.. _namespaces];
        }

        foreach (var process in processes)
        {
            process.Dispose();
        }

        // Hosts first, the bridge last, each killing what still runs inside.
        foreach (var ns in Enumerable.Reverse(namespaces))
        {
            NetworkNamespaces.Delete(ns);
        }

        NetworkNamespaces.TryDeleteDirectory(Directory);
        lock (LiveGate)
        {
            Live.Remove(this);
        }
    }

    internal LabProcess Track(LabProcess process)
    {
        lock (_gate)
        {
            if (_disposed != 0)
            {
                process.Dispose();
                throw new ObjectDisposedException(nameof(NetworkLab));
            }

            _processes.Add(process);
        }

        return process;
    }

    private static void Register(NetworkLab lab)
    {
        lock (LiveGate)
        {
            Live.Add(lab);
            if (s_hooked)
            {
                return;
            }

            s_hooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAll();
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT })
            {
                // Not cancelled: the process still ends as it would have, after the labs are gone.
                SignalRegistrations.Add(PosixSignalRegistration.Create(signal, _ => DisposeAll()));
            }
        }
    }

    private static void DisposeAll()
    {
        List<NetworkLab> labs;
        lock (LiveGate)
        {
            labs = [.. Live];
        }

        foreach (var lab in labs)
        {
            lab.Dispose();
        }
    }

    private string AddNamespace(string role)
    {
        var name = NetworkNamespaces.NameOf(Options.Prefix, Id, role);
        lock (_gate)
        {
            _namespaces.Add(name);
        }

        NetworkNamespaces.Create(name);
        return name;
    }

    private void Build()
    {
        System.IO.Directory.CreateDirectory(Directory);
        BridgeNamespace = AddNamespace("br");
        NetworkNamespaces.Exec(BridgeNamespace, "ip", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0", "forward_delay", "0");
        NetworkNamespaces.Exec(BridgeNamespace, "ip", "link", "set", "br0", "up");
        if (Options.Client)
        {
            Client = AddHost("client", LabAddressing.ClientHost);
        }

        if (Options.Api)
        {
            Api = AddHost("api", LabAddressing.ApiHost);
        }

        for (var i = 0; i < Options.PodHosts; i++)
        {
            _podHosts.Add(AddHost("pod" + (i + 1).ToString(CultureInfo.InvariantCulture), LabAddressing.PodHost(i)));
        }

        for (var i = 0; i < Options.Nodes; i++)
        {
            var node = AddHost("n" + (i + 1).ToString(CultureInfo.InvariantCulture), LabAddressing.NodeHost(i));
            node.Exec("sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2");
            // kube-proxy uses a dummy interface; kernels without the dummy module get an empty
            // bridge instead, which holds local addresses the same way and has no ports to answer on.
            if (!node.TryExec("ip", "link", "add", LabHost.KubeIpvs, "type", "dummy").Succeeded)
            {
                node.Exec("ip", "link", "add", LabHost.KubeIpvs, "type", "bridge");
            }

            node.Exec("ip", "link", "set", LabHost.KubeIpvs, "up");
            foreach (var address in Options.KubeIpvsAddresses)
            {
                node.AddKubeIpvsAddress(address);
            }

            _nodes.Add(node);
        }
    }

    private LabHost AddHost(string role, int host)
    {
        var ns = AddNamespace(role);
        var port = "p-" + role;
        NetworkNamespaces.Exec(BridgeNamespace, "ip", "link", "add", port, "type", "veth", "peer", "name", LabHost.Interface, "netns", ns);
        NetworkNamespaces.Exec(BridgeNamespace, "ip", "link", "set", port, "master", "br0", "up");
        var ipv4 = LabAddressing.Host(Options.Ipv4Subnet, host);
        var ipv6 = LabAddressing.Host(Options.Ipv6Subnet, host);
        var result = new LabHost(this, role, ns, ipv4, ipv6, port);
        result.Exec("sysctl", "-qw", "net.ipv6.conf.all.keep_addr_on_down=1", "net.ipv6.conf.default.keep_addr_on_down=1");
        result.Exec("ip", "addr", "add", $"{ipv4}/{Options.Ipv4Subnet.PrefixLength}", "dev", LabHost.Interface);
        result.Exec("ip", "addr", "add", $"{ipv6}/{Options.Ipv6Subnet.PrefixLength}", "dev", LabHost.Interface, "nodad");
        result.Exec("ip", "link", "set", LabHost.Interface, "up");
        return result;
    }
}
