using BareLb.Membership.Messages;
using MessagePack;
using MessagePack.Formatters;

namespace BareLb.Membership.Codec.Formatters;

/// <summary>memberlist's <c>errResp</c>: Error.</summary>
internal sealed class ErrorResponseFormatter : IMessagePackFormatter<ErrorResponse?>
{
    public static readonly ErrorResponseFormatter Instance = new();

    public void Serialize(ref MessagePackWriter writer, ErrorResponse? value, MessagePackSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteMapHeader(1);
        writer.Write("Error");
        writer.Write(value.Error);
    }

    public ErrorResponse? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var error = string.Empty;
        for (var count = WireFields.ReadMapHeader(ref reader); count > 0; count--)
        {
            switch (WireFields.ReadKey(ref reader))
            {
                case "Error":
                    error = WireFields.ReadString(ref reader);
                    break;
                default:
                    WireFields.Skip(ref reader);
                    break;
            }
        }

        return new ErrorResponse(error);
    }
}
