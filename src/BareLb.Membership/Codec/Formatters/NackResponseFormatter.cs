using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>nackResp</c>: SeqNo.</summary>
internal sealed class NackResponseFormatter : IMessagePackFormatter<NackResponse?>
{
    public static readonly NackResponseFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, NackResponse? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(1);
        writer.Write("SeqNo");
        writer.Write(value.SeqNo);
    }

    public NackResponse? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => AckView.ReadNack(ref reader).ToNack();
}
