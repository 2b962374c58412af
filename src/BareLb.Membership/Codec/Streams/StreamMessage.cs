using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec.Streams;

/// <summary>
/// A message read from a stream, once its label, encryption and compression are taken off: its
/// type and a reader of what follows (a ping, an error, a user message, or a push-pull state).
/// When <see cref="Reason"/> is not <see cref="DropReason.None"/>, the stream was refused.
/// </summary>
internal sealed record StreamMessage(DropReason Reason, MessageType Type, WireStreamReader? Body)
{
    public static StreamMessage Dropped(DropReason reason) => new(reason, default, null);
}
