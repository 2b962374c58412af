using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>Encodes a message record whose type is known only at run time (the protocol's outputs are records as objects).</summary>
internal static class AnyMessage
{
    /// <summary>The type byte and MessagePack body of <paramref name="message"/>.</summary>
    /// <exception cref="ArgumentException">Not one of memberlist's packet messages.</exception>
    public static byte[] Encode(object message) => message switch
    {
        Ping m => MessageCodec.Encode(MessageType.Ping, m),
        IndirectPing m => MessageCodec.Encode(MessageType.IndirectPing, m),
        AckResponse m => MessageCodec.Encode(MessageType.AckResponse, m),
        NackResponse m => MessageCodec.Encode(MessageType.NackResponse, m),
        Suspect m => MessageCodec.Encode(MessageType.Suspect, m),
        Alive m => MessageCodec.Encode(MessageType.Alive, m),
        Dead m => MessageCodec.Encode(MessageType.Dead, m),
        ErrorResponse m => MessageCodec.Encode(MessageType.Error, m),
        _ => throw new ArgumentException($"{message?.GetType().Name ?? "null"} is not a memberlist message.", nameof(message)),
    };
}
