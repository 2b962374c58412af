using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>ping</c>: fields Node, SeqNo, then SourceAddr, SourceNode, SourcePort only when set (omitempty).</summary>
internal sealed class PingFormatter : IMessagePackFormatter<Ping?>
{
    public static readonly PingFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, Ping? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sourceAddr = value.SourceAddr is { Length: > 0 };
        var sourceNode = !string.IsNullOrEmpty(value.SourceNode);
        var sourcePort = value.SourcePort != 0;
        writer.WriteMapHeader(2 + (sourceAddr ? 1 : 0) + (sourceNode ? 1 : 0) + (sourcePort ? 1 : 0));
        writer.Write("Node");
        writer.Write(value.Node);
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
    }

    public Ping? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        uint seqNo = 0;
        var node = string.Empty;
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
                case "Node":
                    node = WireFields.ReadString(ref reader);
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

        return new Ping(seqNo, node, sourceAddr is { Length: > 0 } ? sourceAddr : null, sourcePort, string.IsNullOrEmpty(sourceNode) ? null : sourceNode);
    }
}
