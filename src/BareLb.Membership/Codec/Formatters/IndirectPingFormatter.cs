using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>indirectPingReq</c>: Nack, Node, Port, SeqNo, then SourceAddr, SourceNode, SourcePort only when set (omitempty), then Target.</summary>
internal sealed class IndirectPingFormatter : IMessagePackFormatter<IndirectPing?>
{
    public static readonly IndirectPingFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, IndirectPing? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sourceAddr = value.SourceAddr is { Length: > 0 };
        var sourceNode = !string.IsNullOrEmpty(value.SourceNode);
        var sourcePort = value.SourcePort != 0;
        writer.WriteMapHeader(5 + (sourceAddr ? 1 : 0) + (sourceNode ? 1 : 0) + (sourcePort ? 1 : 0));
        writer.Write("Nack");
        writer.Write(value.Nack);
        writer.Write("Node");
        writer.Write(value.Node);
        writer.Write("Port");
        writer.Write(value.Port);
        writer.Write("SeqNo");
        writer.Write(value.SeqNo);
        if (sourceAddr)
        {
            writer.Write("SourceAddr");
            writer.Write(value.SourceAddr);
        }

        if (sourceNode)
        {
            writer.Write("SourceNode");
            writer.Write(value.SourceNode);
        }

        if (sourcePort)
        {
            writer.Write("SourcePort");
            writer.Write(value.SourcePort);
        }

        writer.Write("Target");
        WireFields.WriteBytes(ref writer, value.Target);
    }

    public IndirectPing? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        uint seqNo = 0;
        byte[] target = [];
        ushort port = 0;
        var node = string.Empty;
        var nack = false;
        byte[]? sourceAddr = null;
        ushort sourcePort = 0;
        string? sourceNode = null;
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "SeqNo":
                    seqNo = reader.ReadUInt32();
                    break;
                case "Target":
                    target = WireFields.ReadBytes(ref reader);
                    break;
                case "Port":
                    port = reader.ReadUInt16();
                    break;
                case "Node":
                    node = WireFields.ReadString(ref reader);
                    break;
                case "Nack":
                    nack = reader.ReadBoolean();
                    break;
                case "SourceAddr":
                    sourceAddr = WireFields.ReadBytes(ref reader);
                    break;
                case "SourcePort":
                    sourcePort = reader.ReadUInt16();
                    break;
                case "SourceNode":
                    sourceNode = WireFields.ReadString(ref reader);
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new IndirectPing(seqNo, target, port, node, nack, sourceAddr is { Length: > 0 } ? sourceAddr : null, sourcePort, string.IsNullOrEmpty(sourceNode) ? null : sourceNode);
    }
}
