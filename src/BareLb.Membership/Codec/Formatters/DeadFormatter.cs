using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>dead</c>: From, Incarnation, Node.</summary>
internal sealed class DeadFormatter : IMessagePackFormatter<Dead?>
{
    public static readonly DeadFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, Dead? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(3);
        writer.Write("From");
        writer.Write(value.From);
        writer.Write("Incarnation");
        writer.Write(value.Incarnation);
        writer.Write("Node");
        writer.Write(value.Node);
    }

    public Dead? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
        => NewsView.Read(ref reader).ToDead();
}
