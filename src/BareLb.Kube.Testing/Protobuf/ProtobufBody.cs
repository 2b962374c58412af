using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;
using Google.Protobuf;

namespace BareLb.Kube.Testing.Protobuf;

/// <summary>
/// Reads a request body in Kubernetes' protobuf encoding (<c>application/vnd.kubernetes.protobuf</c>) into the JSON
/// object the same request would have carried as JSON. The body is the magic <c>k8s\0</c> followed by a
/// <c>runtime.Unknown</c> (field 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType), whose
/// <c>raw</c> is the kind's own message, read with the schemas of <see cref="BuiltInSchemas"/>.
/// </summary>
internal static class ProtobufBody
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    public static JsonObject Decode(byte[] body)
    {
        if (!body.AsSpan().StartsWith(Magic))
        {
            throw ApiException.BadRequest("the protobuf body does not start with the magic bytes \"k8s\\x00\"");
        }

        try
        {
            return DecodeEnvelope(new CodedInputStream(body, Magic.Length, body.Length - Magic.Length));
        }
        catch (InvalidProtocolBufferException e)
        {
            throw ApiException.BadRequest($"the protobuf body is malformed: {e.Message}");
        }
    }

    private static JsonObject DecodeEnvelope(CodedInputStream input)
    {
        string apiVersion = string.Empty, kind = string.Empty, contentEncoding = string.Empty, contentType = string.Empty;
        ByteString? raw = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var typeMeta = new CodedInputStream(input.ReadBytes().ToByteArray());
                    uint inner;
                    while ((inner = typeMeta.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(inner))
                        {
                            case 1: apiVersion = typeMeta.ReadString(); break;
                            case 2: kind = typeMeta.ReadString(); break;
                            default: typeMeta.SkipLastField(); break;
                        }
                    }

                    break;
                case 2: raw = input.ReadBytes(); break;
                case 3: contentEncoding = input.ReadString(); break;
                case 4: contentType = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        if (contentEncoding.Length > 0 || contentType is not ("" or MediaType))
        {
            throw new ApiException(415, "UnsupportedMediaType", $"this server reads protobuf bodies without content encoding only; got contentEncoding \"{contentEncoding}\", contentType \"{contentType}\"");
        }

        var schema = BuiltInSchemas.Find(apiVersion, kind)
            ?? throw new ApiException(415, "UnsupportedMediaType", $"this server reads protobuf bodies of {string.Join(", ", BuiltInSchemas.Kinds)} only, not {apiVersion} {kind}; send it as JSON (kubectl create -f or apply -f)");
        var obj = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        ReadMessage(new CodedInputStream((raw ?? ByteString.Empty).ToByteArray()), schema, obj, kind);
        return obj;
    }

    private static void ReadMessage(CodedInputStream input, ProtoMessage schema, JsonObject into, string path)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            var wireType = (int)WireFormat.GetTagWireType(tag);
            var field = schema.Field(number);
            if (field is null)
            {
                // Go's encoder writes every field held by value, set or not: a zero or an empty one says nothing.
                if (SkipIfEmpty(input, wireType))
                {
                    continue;
                }

                throw new ApiException(415, "UnsupportedMediaType", $"{path}: field {number} of {schema.Name} is not one this server reads from protobuf; send the object as JSON (kubectl create -f or apply -f)");
            }

            var expected = field.Kind is ProtoFieldKind.Integer or ProtoFieldKind.Bool ? WireVarint : WireLengthDelimited;
            if (wireType != expected)
            {
                throw ApiException.BadRequest($"{path}.{field.Name}: wire type {wireType} where {expected} was expected");
            }

            var fieldPath = $"{path}.{field.Name}";
            switch (field.Kind)
            {
                case ProtoFieldKind.String:
                    var text = input.ReadString();
                    Put(into, field, text.Length == 0 && !field.Repeated ? null : JsonValue.Create(text));
                    break;
                case ProtoFieldKind.Bytes:
                    Put(into, field, JsonValue.Create(Convert.ToBase64String(input.ReadBytes().Span)));
                    break;
                case ProtoFieldKind.Integer:
                    var number64 = input.ReadInt64();
                    Put(into, field, number64 == 0 && !field.KeepZero ? null : JsonValue.Create(number64));
                    break;
                case ProtoFieldKind.Bool:
                    var flag = input.ReadBool();
                    Put(into, field, !flag && !field.KeepZero ? null : JsonValue.Create(flag));
                    break;
                case ProtoFieldKind.Message:
                    var child = new JsonObject();
                    ReadMessage(Nested(input), field.Message!(), child, fieldPath);
                    Put(into, field, child);
                    break;
                case ProtoFieldKind.StringMap or ProtoFieldKind.BytesMap or ProtoFieldKind.QuantityMap:
                    var (key, value) = ReadMapEntry(Nested(input), field.Kind);
                    if (into[field.Name] is not JsonObject map)
                    {
                        map = [];
                        into[field.Name] = map;
                    }

                    map[key] = value;
                    break;
                case ProtoFieldKind.IntOrString:
                    Put(into, field, ReadIntOrString(Nested(input)));
                    break;
                case ProtoFieldKind.Time:
                    Put(into, field, ReadTime(Nested(input)));
                    break;
                default:
                    throw new InvalidOperationException($"unknown field kind {field.Kind}");
            }
        }
    }

    /// <summary>Reads an unknown field if it is a zero varint or an empty length-delimited value; false otherwise.</summary>
    private static bool SkipIfEmpty(CodedInputStream input, int wireType) => wireType switch
    {
        WireVarint => input.ReadUInt64() == 0,
        WireLengthDelimited => input.ReadBytes().Length == 0,
        _ => false,
    };

    private static CodedInputStream Nested(CodedInputStream input) => new(input.ReadBytes().ToByteArray());

    private static void Put(JsonObject into, ProtoField field, JsonNode? value)
    {
        if (field.Repeated)
        {
            if (into[field.Name] is not JsonArray array)
            {
                array = [];
                into[field.Name] = array;
            }

            array.Add(value ?? JsonValue.Create(string.Empty));
        }
        else if (value is not null)
        {
            into[field.Name] = value;
        }
    }

    private static (string Key, JsonNode? Value) ReadMapEntry(CodedInputStream entry, ProtoFieldKind kind)
    {
        var key = string.Empty;
        JsonNode? value = JsonValue.Create(string.Empty);
        uint tag;
        while ((tag = entry.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    key = entry.ReadString();
                    break;
                case 2 when kind == ProtoFieldKind.StringMap:
                    value = JsonValue.Create(entry.ReadString());
                    break;
                case 2 when kind == ProtoFieldKind.BytesMap:
                    value = JsonValue.Create(Convert.ToBase64String(entry.ReadBytes().Span));
                    break;
                case 2:
                    // resource.Quantity { string string = 1; }
                    var quantity = new CodedInputStream(entry.ReadBytes().ToByteArray());
                    uint inner;
                    while ((inner = quantity.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(inner) == 1)
                        {
                            value = JsonValue.Create(quantity.ReadString());
                        }
                        else
                        {
                            quantity.SkipLastField();
                        }
                    }

                    break;
                default:
                    entry.SkipLastField();
                    break;
            }
        }

        return (key, value);
    }

    /// <summary>apimachinery's IntOrString: 1 type (0 int, 1 string), 2 intVal, 3 strVal.</summary>
    private static JsonValue ReadIntOrString(CodedInputStream input)
    {
        long type = 0;
        var intValue = 0;
        var stringValue = string.Empty;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: type = input.ReadInt64(); break;
                case 2: intValue = input.ReadInt32(); break;
                case 3: stringValue = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return type == 1 ? JsonValue.Create(stringValue) : JsonValue.Create(intValue);
    }

    /// <summary>meta/v1 Time: 1 seconds, 2 nanos since the epoch; zero is Go's zero time, written as no field at all.</summary>
    private static JsonValue? ReadTime(CodedInputStream input)
    {
        long seconds = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                seconds = input.ReadInt64();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return seconds == 0 ? null : JsonValue.Create(DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}
