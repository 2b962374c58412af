using BareLb.Kube.Testing.Protobuf;
using BareLb.Kube.Testing.Storage;
using Google.Protobuf;

namespace BareLb.Kube.Testing.Tests.Unit;

public sealed class ProtobufBodyTests
{
    [Fact]
    public void Decode_ConfigMap_ReadsMetadataDataAndBinaryData()
    {
        var meta = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("config"); Entry(w, 11, "app", "lb"); });
        var raw = Message(w =>
        {
            Bytes(w, 1, meta);
            Entry(w, 2, "mode", "l2");
            w.WriteTag(3, WireFormat.WireType.LengthDelimited);
            w.WriteBytes(ByteString.CopyFrom(Message(e => { Text(e, 1, "blob"); Bytes(e, 2, [1, 2, 3]); })));
        });

        var obj = ProtobufBody.Decode(Envelope("v1", "ConfigMap", raw));

        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"config","labels":{"app":"lb"}},"data":{"mode":"l2"},"binaryData":{"blob":"AQID"}}""", obj.ToJsonString());
    }

    [Fact]
    public void Decode_ZeroValuedUnknownField_IsIgnored_ButASetOneIsNamed()
    {
        var quiet = Message(w => { w.WriteTag(9, WireFormat.WireType.Varint); w.WriteInt64(0); });
        var loud = Message(w => { w.WriteTag(9, WireFormat.WireType.Varint); w.WriteInt64(7); });

        Assert.Equal("""{"kind":"ServiceAccount","apiVersion":"v1"}""", ProtobufBody.Decode(Envelope("v1", "ServiceAccount", quiet)).ToJsonString());
        var error = Assert.Throws<ApiException>(() => ProtobufBody.Decode(Envelope("v1", "ServiceAccount", loud)));
        Assert.Equal(415, error.Code);
        Assert.Equal("ServiceAccount: field 9 of ServiceAccount is not one this server reads from protobuf; send the object as JSON (kubectl create -f or apply -f)", error.Message);
    }

    [Fact]
    public void Decode_UnknownKind_Or_MissingMagic_IsRefusedWithTheReason()
    {
        var kind = Assert.Throws<ApiException>(() => ProtobufBody.Decode(Envelope("batch/v1", "Job", [])));
        var magic = Assert.Throws<ApiException>(() => ProtobufBody.Decode([1, 2, 3, 4]));

        Assert.Equal(415, kind.Code);
        Assert.Contains("not batch/v1 Job", kind.Message, StringComparison.Ordinal);
        Assert.Equal(400, magic.Code);
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var typeMeta = Message(w => { Text(w, 1, apiVersion); Text(w, 2, kind); });
        return [.. "k8s\0"u8, .. Message(w => { Bytes(w, 1, typeMeta); Bytes(w, 2, raw); })];
    }

    private static void Entry(CodedOutputStream w, int field, string key, string value)
    {
        w.WriteTag(field, WireFormat.WireType.LengthDelimited);
        w.WriteBytes(ByteString.CopyFrom(Message(e => { Text(e, 1, key); Text(e, 2, value); })));
    }

    private static void Text(CodedOutputStream w, int field, string value)
    {
        w.WriteTag(field, WireFormat.WireType.LengthDelimited);
        w.WriteString(value);
    }

    private static void Bytes(CodedOutputStream w, int field, byte[] value)
    {
        w.WriteTag(field, WireFormat.WireType.LengthDelimited);
        w.WriteBytes(ByteString.CopyFrom(value));
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return buffer.ToArray();
    }
}
