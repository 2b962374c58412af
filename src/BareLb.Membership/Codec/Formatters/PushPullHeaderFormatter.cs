using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>pushPullHeader</c>: Join, Nodes, UserStateLen.</summary>
internal sealed class PushPullHeaderFormatter : IMessagePackFormatter<PushPullHeader?>
{
    public static readonly PushPullHeaderFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, PushPullHeader? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(3);
        writer.Write("Join");
        writer.Write(value.Join);
        writer.Write("Nodes");
        writer.Write(value.Nodes);
        writer.Write("UserStateLen");
        writer.Write(value.UserStateLen);
    }

    public PushPullHeader? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var nodes = 0;
        var userStateLen = 0;
        var join = false;
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "Nodes":
                    nodes = reader.ReadInt32();
                    break;
                case "UserStateLen":
                    userStateLen = reader.ReadInt32();
                    break;
                case "Join":
                    join = reader.ReadBoolean();
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new PushPullHeader(nodes, userStateLen, join);
    }
}
