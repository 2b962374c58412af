using System.Net;

namespace BareLb.Membership.Transport;

/// <summary>Where a <see cref="MemberlistTransport"/> listens, as memberlist's <c>BindAddr</c>, <c>BindPort</c> and <c>TCPTimeout</c>.</summary>
public sealed class MemberlistTransportOptions
{
    /// <summary>memberlist's port, 7946 (TCP and UDP).</summary>
    public const int DefaultPort = 7946;

    /// <summary>The address to bind (default: all IPv4 addresses; <see cref="IPAddress.IPv6Any"/> binds both families).</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;

    /// <summary>The TCP and UDP port (default 7946; 0 picks a free port for TCP and binds UDP to the same).</summary>
    public int BindPort { get; set; } = DefaultPort;

    /// <summary>How long opening a stream may take (memberlist's <c>TCPTimeout</c>, 10 s).</summary>
    public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many received packets may wait for the reader before new ones are dropped.</summary>
    public int PacketQueueLength { get; set; } = 1024;

    /// <summary>Checks the options; the message names the field and the reason.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (BindAddress is null)
        {
            throw new ArgumentException("MemberlistTransportOptions.BindAddress is required.", nameof(BindAddress));
        }

        if (BindPort is < 0 or > 65535)
        {
            throw new ArgumentException($"MemberlistTransportOptions.BindPort {BindPort} is not a port (0 to 65535).", nameof(BindPort));
        }

        if (StreamTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"MemberlistTransportOptions.StreamTimeout {StreamTimeout} must be positive.", nameof(StreamTimeout));
        }

        if (PacketQueueLength < 1)
        {
            throw new ArgumentException($"MemberlistTransportOptions.PacketQueueLength {PacketQueueLength} must be at least 1.", nameof(PacketQueueLength));
        }
    }
}
