using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>Resolves the formatters of memberlist's messages, and nothing else (so no other type can be read from the wire).</summary>
internal sealed class MessageFormatterResolver : IFormatterResolver
{
    public static readonly MessageFormatterResolver Instance = new();

    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = Find() as IMessagePackFormatter<T>;

        private static object? Find()
        {
            var type = typeof(T);
            return type == typeof(Ping) ? PingFormatter.Instance
                : type == typeof(IndirectPing) ? IndirectPingFormatter.Instance
                : type == typeof(AckResponse) ? AckResponseFormatter.Instance
                : type == typeof(NackResponse) ? NackResponseFormatter.Instance
                : type == typeof(ErrorResponse) ? ErrorResponseFormatter.Instance
                : type == typeof(Suspect) ? SuspectFormatter.Instance
                : type == typeof(Alive) ? AliveFormatter.Instance
                : type == typeof(Dead) ? DeadFormatter.Instance
                : type == typeof(PushPullHeader) ? PushPullHeaderFormatter.Instance
                : type == typeof(PushNodeState) ? PushNodeStateFormatter.Instance
                : type == typeof(UserMessageHeader) ? UserMessageHeaderFormatter.Instance
                : type == typeof(CompressedPayload) ? CompressedPayloadFormatter.Instance
                : null;
        }
    }
}
