using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>
/// Takes the messages of a packet as <see cref="PacketCodec"/> reads them, in place and in order:
/// a struct implementing it is passed by reference, so that reading a packet allocates nothing.
/// </summary>
internal interface IMessageSink
{
    /// <summary>
    /// One message of the packet: its type (one of memberlist's packet messages or <see cref="MessageType.User"/>)
    /// and its body after the type byte, valid only during the call. Returns false when the body does not
    /// decode, which drops the message as <see cref="DropReason.Malformed"/>.
    /// </summary>
    bool Message(MessageType type, ReadOnlyMemory<byte> body);

    /// <summary>A part of a compound message that was dropped alone (the rest of the packet goes on).</summary>
    void PartDropped(DropReason reason);
}
