using BareLb.Arp.Transports;

namespace BareLb.Speaker.Standalone;

/// <summary>Opens the transport <c>--transport</c> names.</summary>
internal static class TransportOpener
{
    /// <exception cref="FrameTransportException">The transport cannot be opened; the message says why.</exception>
    public static IFrameTransport Open(TransportKind kind, string interfaceName, string? networkNamespace) => kind switch
    {
        TransportKind.AfPacket => AfPacketTransport.Open(interfaceName, networkNamespace),
        TransportKind.Pcap when networkNamespace is not null => throw new FrameTransportException("--netns works with the afpacket transport only; run the pcap transport under 'ip netns exec' instead."),
        TransportKind.Pcap => PcapTransport.Open(interfaceName),
        _ => throw new FrameTransportException($"Unknown transport {kind}."),
    };
}
