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
        => PingView.Read(ref reader).ToRecord();
}
