using BareLb.Membership.Codec;
using BareLb.Membership.Protocol;

namespace BareLb.Membership.Hosting;

/// <summary>Exact message sizes from the codec, and the packet overhead of the wire settings plus a checksum header.</summary>
internal sealed class CodecMessageSizer(int packetOverhead) : IMessageSizer
{
    /// <inheritdoc />
    public int PacketOverhead { get; } = packetOverhead + Checksum.HeaderLength;

    /// <inheritdoc />
    public int SizeOf(object message) => AnyMessage.Encode(message).Length;
}
