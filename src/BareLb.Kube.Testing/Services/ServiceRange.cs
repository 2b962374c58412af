using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BareLb.Kube.Testing.Services;

/// <summary>A service CIDR (IPv4 or IPv6) from which cluster IPs of one family are handed out.</summary>
internal sealed class ServiceRange
{
    private readonly UInt128 _first;
    private readonly UInt128 _size;
    private readonly bool _isIPv6;

    public ServiceRange(string cidr)
    {
        if (!IPNetwork.TryParse(cidr.Trim(), out var network))
        {
            throw new ArgumentException($"the service range \"{cidr}\" is not a CIDR", nameof(cidr));
        }

        _isIPv6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = _isIPv6 ? 128 : 32;
        if (network.PrefixLength > bits - 2 || (_isIPv6 && network.PrefixLength < 64))
        {
            throw new ArgumentException($"the service range \"{cidr}\" must hold at least 4 addresses (and, for IPv6, be a /64 or longer)", nameof(cidr));
        }

        Network = network;
        _first = ToNumber(network.BaseAddress);
        _size = UInt128.One << (bits - network.PrefixLength);
    }

    public IPNetwork Network { get; }

    /// <summary>"IPv4" or "IPv6", as Service <c>spec.ipFamilies</c> spell them.</summary>
    public string Family => _isIPv6 ? "IPv6" : "IPv4";

    /// <summary>The first usable address, which the real cluster gives to the <c>kubernetes</c> Service.</summary>
    public string KubernetesServiceIp => FromNumber(_first + 1);

    public bool Contains(string ip) => IPAddress.TryParse(ip, out var address) && Network.Contains(address);

    /// <summary>"IPv4" or "IPv6" for an address, null when it is not one.</summary>
    public static string? FamilyOf(string ip) =>
        IPAddress.TryParse(ip, out var address) ? (address.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4") : null;

    /// <summary>The canonical text of an address (IPv6 compressed and lower case), so that equal addresses compare equal.</summary>
    public static string Canonical(string ip) => IPAddress.TryParse(ip, out var address) ? address.ToString() : ip;

    /// <summary>A random free address of the range (never the network, the first or, for IPv4, the broadcast address).</summary>
    /// <param name="used">Addresses in use, in canonical form.</param>
    public string? Allocate(IReadOnlySet<string> used)
    {
        var usable = _size - (_isIPv6 ? 2u : 3u);
        var start = new UInt128((ulong)Random.Shared.NextInt64(long.MaxValue), (ulong)Random.Shared.NextInt64(long.MaxValue)) % usable;
        // A range far bigger than what is used finds a free address within a few tries.
        var tries = usable < 1_000_000 ? usable : 1_000_000;
        for (UInt128 i = 0; i < tries; i++)
        {
            var candidate = FromNumber(_first + 2 + ((start + i) % usable));
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private string FromNumber(UInt128 value)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (_isIPv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
            return new IPAddress(bytes).ToString();
        }

        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
        return new IPAddress(bytes[..4]).ToString();
    }
}
