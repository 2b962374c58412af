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
    {
        uint incarnation = 0;
        var node = string.Empty;
        byte[] addr = [];
        ushort port = 0;
        byte[] meta = [];
        byte[] vsn = [];
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "Incarnation":
                    incarnation = reader.ReadUInt32();
                    break;
                case "Node":
                    node = WireFields.ReadString(ref reader);
                    break;
                case "Addr":
                    addr = WireFields.ReadBytes(ref reader);
                    break;
                case "Port":
                    port = reader.ReadUInt16();
                    break;
                case "Meta":
                    meta = WireFields.ReadBytes(ref reader);
                    break;
                case "Vsn":
                    vsn = WireFields.ReadBytes(ref reader);
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new Alive(incarnation, node, addr, port, meta, vsn);
    }
}
