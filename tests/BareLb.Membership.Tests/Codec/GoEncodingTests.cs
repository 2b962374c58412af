using System.Buffers;
using BareLb.Membership.Codec;
using BareLb.Membership.Messages;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Codec;

/// <summary>Our encoding of each message is byte for byte go-msgpack's (memberlist's MsgpackHandle), and decodes back.</summary>
public sealed class GoEncodingTests
{
    private static readonly byte[] V4 = [198, 18, 0, 1];
    private static readonly byte[] Vsn = [1, 5, 2, 0, 0, 0];
    private static readonly string Long = new('n', 40);

    public static TheoryData<string> Names => new(
        "ping", "ping-source", "indirect", "indirect-source", "ack", "ack-payload", "nack", "err", "suspect",
        "alive", "alive-meta", "dead", "pushpull", "pushpull-big", "pushnode", "usermsg", "compress");

    [Theory]
    [MemberData(nameof(Names))]
    public void EncodeMatchesGoMsgpackAndDecodesBack(string name)
    {
        var expected = GoVectors.Get(name);
        var (encoded, roundTrips) = Case(name, expected);
        Assert.Equal(Convert.ToHexStringLower(expected), Convert.ToHexStringLower(encoded));
        Assert.True(roundTrips, $"{name} did not decode back to the same message");
    }

    private static (byte[] Encoded, bool RoundTrips) Case(string name, byte[] goBytes) => name switch
    {
        "ping" => Check(new Ping(7, "a"), goBytes),
        "ping-source" => Check(new Ping(70000, Long, V4, 7946, "b"), goBytes),
        "indirect" => Check(new IndirectPing(200, V4, 7946, "c", true), goBytes),
        "indirect-source" => Check(new IndirectPing(1, V4, 1, "c", false, V4, 2, "d"), goBytes),
        "ack" => Check(new AckResponse(7, []), goBytes),
        "ack-payload" => Check(new AckResponse(uint.MaxValue, [1, 2, 3]), goBytes),
        "nack" => Check(new NackResponse(300), goBytes),
        "err" => Check(new ErrorResponse("boom"), goBytes),
        "suspect" => Check(new Suspect(3, "a", "b"), goBytes),
        "alive" => Check(new Alive(1, Long, V4, 7946, [], Vsn), goBytes),
        "alive-meta" => Check(new Alive(65536, "x", new byte[16], 1, Enumerable.Repeat((byte)9, 300).ToArray(), Vsn), goBytes),
        "dead" => Check(new Dead(9, "a", "a"), goBytes),
        "pushpull" => Check(new PushPullHeader(2, 0, true), goBytes),
        "pushpull-big" => Check(new PushPullHeader(1000, 70000, false), goBytes),
        "pushnode" => Check(new PushNodeState("a", V4, 7946, [], 2, MemberWireState.Left, Vsn), goBytes),
        "usermsg" => Check(new UserMessageHeader(5), goBytes),
        "compress" => Check(new CompressedPayload(0, [1, 2]), goBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static (byte[], bool) Check<T>(T message, byte[] goBytes)
        where T : class
    {
        var buffer = new ArrayBufferWriter<byte>();
        MessageCodec.WriteBody(buffer, message);
        Assert.True(MessageCodec.TryDecode<T>(goBytes, out var decoded), $"{typeof(T).Name}: Go's bytes did not decode");
        return (buffer.WrittenSpan.ToArray(), Same(message, decoded!));
    }

    // Records compare byte[] by reference; compare their encodings instead.
    private static bool Same<T>(T left, T right)
        where T : class
    {
        var a = new ArrayBufferWriter<byte>();
        var b = new ArrayBufferWriter<byte>();
        MessageCodec.WriteBody(a, left);
        MessageCodec.WriteBody(b, right);
        return a.WrittenSpan.SequenceEqual(b.WrittenSpan);
    }
}
