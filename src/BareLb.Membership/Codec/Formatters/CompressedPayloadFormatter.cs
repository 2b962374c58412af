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
    {
        var algo = 0;
        byte[] buf = [];
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "Algo":
                    algo = reader.ReadInt32();
                    break;
                case "Buf":
                    buf = WireFields.ReadBytes(ref reader);
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new CompressedPayload(algo, buf);
    }
}
