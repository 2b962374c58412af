using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Namespaces;

namespace BareLb.Lab.Topology;

/// <summary>
/// What a <see cref="NetworkLab"/> holds. Addresses come only from the benchmarking range
/// 198.18.0.0/15 and the documentation range 2001:db8::/32, so that a lab never routes anything real.
/// </summary>
public sealed record LabOptions
{
    /// <summary>The ranges lab subnets must lie in.</summary>
    public static readonly IPNetwork AllowedIpv4 = IPNetwork.Parse("198.18.0.0/15");

    /// <summary>The range lab IPv6 subnets must lie in.</summary>
    public static readonly IPNetwork AllowedIpv6 = IPNetwork.Parse("2001:db8::/32");

    /// <summary>The most nodes a lab holds.</summary>
    public const int MaxNodes = 40;

    /// <summary>Prefix of the lab's namespace names, 1 to 8 lower-case letters or digits.</summary>
    public string Prefix { get; init; } = LabNames.DefaultPrefix;

    /// <summary>Number of node namespaces, 1 to <see cref="MaxNodes"/>.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Whether the lab has a client namespace.</summary>
    public bool Client { get; init; } = true;

    /// <summary>Whether the lab has an API namespace (for the API server emulator).</summary>
    public bool Api { get; init; } = true;

    /// <summary>The most pod hosts a lab holds.</summary>
    public const int MaxPodHosts = 8;

    /// <summary>
    /// Number of pod hosts, 0 to <see cref="MaxPodHosts"/>: namespaces <c>pod1</c>, <c>pod2</c>... on the bridge, each
    /// the network of one Pod that does not use the host's network (a controller replica, say).
    /// </summary>
    public int PodHosts { get; init; }

    /// <summary>The IPv4 subnet of the segment: within 198.18.0.0/15, a /25 or larger.</summary>
    public IPNetwork Ipv4Subnet { get; init; } = IPNetwork.Parse("198.18.35.0/24");

    /// <summary>The IPv6 subnet of the segment: within 2001:db8::/32, a /120 or larger.</summary>
    public IPNetwork Ipv6Subnet { get; init; } = IPNetwork.Parse("2001:db8:35::/64");

    /// <summary>
    /// Addresses every node holds on its <c>kube-ipvs0</c> dummy interface (as kube-proxy in IPVS
    /// mode holds load-balancer addresses); each must lie in the matching subnet.
    /// </summary>
    public IReadOnlyList<IPAddress> KubeIpvsAddresses { get; init; } = [];

    /// <summary>Throws <see cref="LabException"/> naming the field and the reason when an option is out of range.</summary>
    public void Validate()
    {
        LabNames.ValidatePrefix(Prefix);
        if (Nodes is < 1 or > MaxNodes)
        {
            throw new LabException($"Lab options: Nodes {Nodes} must be between 1 and {MaxNodes}.");
        }

        if (PodHosts is < 0 or > MaxPodHosts)
        {
            throw new LabException($"Lab options: PodHosts {PodHosts} must be between 0 and {MaxPodHosts}.");
        }

        Check(nameof(Ipv4Subnet), Ipv4Subnet, AddressFamily.InterNetwork, AllowedIpv4, 25);
        Check(nameof(Ipv6Subnet), Ipv6Subnet, AddressFamily.InterNetworkV6, AllowedIpv6, 120);
        foreach (var address in KubeIpvsAddresses ?? throw new LabException("Lab options: KubeIpvsAddresses must not be null."))
        {
            var subnet = address.AddressFamily == AddressFamily.InterNetwork ? Ipv4Subnet : Ipv6Subnet;
            if (!subnet.Contains(address))
            {
                throw new LabException($"Lab options: KubeIpvsAddresses {address} is outside the lab's subnet {subnet}.");
            }
        }
    }

    /// <summary>Throws <see cref="LabException"/> unless <paramref name="address"/> lies in the allowed ranges.</summary>
    /// <param name="field">The field named in the error.</param>
    /// <param name="address">The address.</param>
    public static void RequireAllowed(string field, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!AllowedIpv4.Contains(address) && !AllowedIpv6.Contains(address))
        {
            throw new LabException($"Lab: {field} {address} is outside 198.18.0.0/15 and 2001:db8::/32; labs use no other addresses.");
        }
    }

    private static void Check(string field, IPNetwork subnet, AddressFamily family, IPNetwork allowed, int longest)
    {
        if (subnet.BaseAddress.AddressFamily != family)
        {
            throw new LabException($"Lab options: {field} {subnet} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} subnet.");
        }

        if (subnet.PrefixLength < allowed.PrefixLength || !allowed.Contains(subnet.BaseAddress))
        {
            throw new LabException($"Lab options: {field} {subnet} must lie within {allowed}.");
        }

        if (subnet.PrefixLength > longest)
        {
            throw new LabException($"Lab options: {field} {subnet} is too small; use a /{longest} or larger.");
        }
    }
}
