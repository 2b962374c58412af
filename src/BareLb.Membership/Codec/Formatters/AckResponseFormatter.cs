using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>ackResp</c>: Payload (nil when empty), SeqNo.</summary>
internal sealed class AckResponseFormatter : IMessagePackFormatter<AckResponse?>
{
    public static readonly AckResponseFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, AckResponse? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        Write(ref writer, value.SeqNo, value.Payload);
    }

    /// <summary>Writes an ack without its record (the receive path answers pings so).</summary>
    public static void Write(ref MessagePackWriter writer, uint seqNo, ReadOnlySpan<byte> payload)
    {
        writer.WriteMapHeader(2);
        writer.Write("Payload");
        WireFields.WriteBytes(ref writer, payload);
        writer.Write("SeqNo");
        writer.Write(seqNo);
    }

    public AckResponse? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => AckView.Read(ref reader).ToAck();
}
