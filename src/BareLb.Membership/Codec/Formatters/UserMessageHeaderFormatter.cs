using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>userMsgHeader</c>: UserMsgLen.</summary>
internal sealed class UserMessageHeaderFormatter : IMessagePackFormatter<UserMessageHeader?>
{
    public static readonly UserMessageHeaderFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, UserMessageHeader? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(1);
        writer.Write("UserMsgLen");
        writer.Write(value.UserMsgLen);
    }

    public UserMessageHeader? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var length = 0;
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "UserMsgLen":
                    length = reader.ReadInt32();
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new UserMessageHeader(length);
    }
}
