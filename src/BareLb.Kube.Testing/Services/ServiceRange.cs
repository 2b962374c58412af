using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BareLb.Kube.Testing.Services;

/// <summary>An IPv4 service CIDR from which cluster IPs are handed out.</summary>
internal sealed class ServiceRange
{
    private readonly uint _first;
    private readonly uint _size;

    public ServiceRange(string cidr)
    {
        var network = IPNetwork.Parse(cidr);
        if (network.BaseAddress.AddressFamily != AddressFamily.InterNetwork || network.PrefixLength > 30)
        {
            throw new ArgumentException($"the service range \"{cidr}\" must be an IPv4 CIDR of at least 4 addresses", nameof(cidr));
        }

        Network = network;
        _first = ToUInt(network.BaseAddress);
        _size = 1u << (32 - network.PrefixLength);
    }

    public IPNetwork Network { get; }

    /// <summary>The first usable address, which the real cluster gives to the <c>kubernetes</c> Service.</summary>
    public string KubernetesServiceIp => FromUInt(_first + 1);

    public bool Contains(string ip) => IPAddress.TryParse(ip, out var address) && Network.Contains(address);

    /// <summary>A random free address of the range (never the network, the first or the broadcast address).</summary>
    public string? Allocate(IReadOnlySet<string> used)
    {
        var usable = _size - 3;
        var start = (uint)Random.Shared.NextInt64(usable);
        for (uint i = 0; i < usable; i++)
        {
            var candidate = FromUInt(_first + 2 + ((start + i) % usable));
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static uint ToUInt(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static string FromUInt(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
