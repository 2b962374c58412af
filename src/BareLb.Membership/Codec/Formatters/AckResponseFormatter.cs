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
        writer.WriteMapHeader(2);
        writer.Write("Payload");
        WireFields.WriteBytes(ref writer, value.Payload);
        writer.Write("SeqNo");
        writer.Write(value.SeqNo);
    }

    public AckResponse? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        uint seqNo = 0;
        byte[] payload = [];
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "SeqNo":
                    seqNo = reader.ReadUInt32();
                    break;
                case "Payload":
                    payload = WireFields.ReadBytes(ref reader);
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new AckResponse(seqNo, payload);
    }
}
