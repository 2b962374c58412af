using BareLb.Arp.Transports;

namespace BareLb.Speaker.Standalone;

/// <summary>Opens the transport <c>--transport</c> names.</summary>
internal static class TransportOpener
{
    /// <exception cref="FrameTransportException">The transport cannot be opened; the message says why.</exception>
    public static IFrameTransport Open(TransportKind kind, string interfaceName, string? networkNamespace) => kind switch
    {
        TransportKind.AfPacket => AfPacketTransport.Open(interfaceName, networkNamespace),
        _ => throw new FrameTransportException($"the {kind} transport is not available in this build"),
    };
}
