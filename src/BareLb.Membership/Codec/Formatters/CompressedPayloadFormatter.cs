using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>compress</c>: Algo, Buf.</summary>
internal sealed class CompressedPayloadFormatter : IMessagePackFormatter<CompressedPayload?>
{
    public static readonly CompressedPayloadFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, CompressedPayload? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(2);
        writer.Write("Algo");
        writer.Write(value.Algo);
        writer.Write("Buf");
        WireFields.WriteBytes(ref writer, value.Buf);
    }

    public CompressedPayload? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => CompressedView.Read(ref reader).ToRecord();
}
