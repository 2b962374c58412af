using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>alive</c>: Addr, Incarnation, Meta (nil when empty), Node, Port, Vsn.</summary>
internal sealed class AliveFormatter : IMessagePackFormatter<Alive?>
{
    public static readonly AliveFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, Alive? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(6);
        writer.Write("Addr");
        WireFields.WriteBytes(ref writer, value.Addr);
        writer.Write("Incarnation");
        writer.Write(value.Incarnation);
        writer.Write("Meta");
        WireFields.WriteBytes(ref writer, value.Meta);
        writer.Write("Node");
        writer.Write(value.Node);
        writer.Write("Port");
        writer.Write(value.Port);
        writer.Write("Vsn");
        WireFields.WriteBytes(ref writer, value.Vsn);
    }

    public Alive? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => AliveView.Read(ref reader).ToRecord();
}
