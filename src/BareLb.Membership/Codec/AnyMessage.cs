using System.Diagnostics.CodeAnalysis;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>Encodes and decodes message records whose type is known only at run time (the protocol's inputs and outputs are records as objects).</summary>
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

    /// <summary>
    /// The record of a packet message of <paramref name="type"/> (for <see cref="MessageType.User"/>, a copy of
    /// its bytes); false when the body does not decode or the type is not a packet message.
    /// </summary>
    public static bool TryDecode(MessageType type, ReadOnlyMemory<byte> body, [NotNullWhen(true)] out object? message)
    {
        message = type switch
        {
            MessageType.Ping => Decode<Ping>(body),
            MessageType.IndirectPing => Decode<IndirectPing>(body),
            MessageType.AckResponse => Decode<AckResponse>(body),
            MessageType.NackResponse => Decode<NackResponse>(body),
            MessageType.Suspect => Decode<Suspect>(body),
            MessageType.Alive => Decode<Alive>(body),
            MessageType.Dead => Decode<Dead>(body),
            MessageType.User => body.ToArray(),
            _ => null,
        };
        return message is not null;
    }

    private static T? Decode<T>(ReadOnlyMemory<byte> body)
        where T : class
        => MessageCodec.TryDecode<T>(body, out var message) ? message : null;
}
