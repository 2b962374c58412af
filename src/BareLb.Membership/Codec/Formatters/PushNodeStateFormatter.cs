using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>pushNodeState</c>: Addr, Incarnation, Meta (nil when empty), Name, Port, State, Vsn.</summary>
internal sealed class PushNodeStateFormatter : IMessagePackFormatter<PushNodeState?>
{
    public static readonly PushNodeStateFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, PushNodeState? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(7);
        writer.Write("Addr");
        WireFields.WriteBytes(ref writer, value.Addr);
        writer.Write("Incarnation");
        writer.Write(value.Incarnation);
        writer.Write("Meta");
        WireFields.WriteBytes(ref writer, value.Meta);
        writer.Write("Name");
        writer.Write(value.Name);
        writer.Write("Port");
        writer.Write(value.Port);
        writer.Write("State");
        writer.Write((byte)value.State);
        writer.Write("Vsn");
        WireFields.WriteBytes(ref writer, value.Vsn);
    }

    public PushNodeState? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var name = string.Empty;
        byte[] addr = [];
        ushort port = 0;
        byte[] meta = [];
        uint incarnation = 0;
        var state = MemberWireState.Alive;
        byte[] vsn = [];
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "Name":
                    name = WireFields.ReadString(ref reader);
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
                case "Incarnation":
                    incarnation = reader.ReadUInt32();
                    break;
                case "State":
                    state = (MemberWireState)reader.ReadByte();
                    break;
                case "Vsn":
                    vsn = WireFields.ReadBytes(ref reader);
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new PushNodeState(name, addr, port, meta, incarnation, state, vsn);
    }
}
