using BareLb.Membership.Codec;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Codec;

public sealed class PacketCodecTests
{
    private static readonly Keyring Keys = new([Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()]);

    private static (DropReason Reason, List<InboundMessage> Messages, List<DropReason> Parts) Decode(WireSettings settings, byte[] packet)
    {
        var messages = new List<InboundMessage>();
        var parts = new List<DropReason>();
        var reason = new PacketCodec(settings).Decode(packet, messages, parts);
        return (reason, messages, parts);
    }

    [Fact]
    public void DecodePlainPingGivesThePing()
    {
        var (reason, messages, _) = Decode(WireSettings.Default, Packets.Ping(9, "x"));
        Assert.Equal(DropReason.None, reason);
        var ping = Assert.IsType<Ping>(Assert.Single(messages).Message);
        Assert.Equal((9u, "x"), (ping.SeqNo, ping.Node));
    }

    [Theory]
    [InlineData(false, false, "")]
    [InlineData(true, false, "")]
    [InlineData(true, true, "")]
    [InlineData(true, true, "cluster-a")]
    [InlineData(false, true, "cluster-a")]
    public void EncodeThenDecodeRoundTripsACompoundWithEveryLayer(bool checksum, bool encrypted, string label)
    {
        var settings = WireSettings.Default with { Keyring = encrypted ? Keys : null, Label = label };
        var codec = new PacketCodec(settings);
        var compound = CompoundMessage.Encode([Packets.Ping(), Packets.Alive(new string('n', 100)), Packets.Alive(new string('n', 100), 2), Packets.Suspect("n")]);
        var packet = codec.Encode(compound, checksum);
        var (reason, messages, parts) = Decode(settings, packet);
        Assert.Equal(DropReason.None, reason);
        Assert.Empty(parts);
        Assert.Equal([MessageType.Ping, MessageType.Alive, MessageType.Alive, MessageType.Suspect], messages.Select(m => m.Type));
    }

    [Fact]
    public void CompressionCannotShrinkHoldsForEveryShortMessage()
    {
        var random = new Random(5);
        for (var length = 1; length <= 40; length++)
        {
            byte[][] inputs = [new byte[length], [.. Enumerable.Range(0, length).Select(i => (byte)(i % 3))], [.. Enumerable.Range(0, length).Select(_ => (byte)random.Next(256))]];
            foreach (var input in inputs)
            {
                if (Compression.CannotShrink(length))
                {
                    Assert.True(Compression.Compress(input).Length >= length, $"{length} bytes compressed smaller than the bound says");
                }
            }
        }

        Assert.True(Compression.CannotShrink(24));
        Assert.False(Compression.CannotShrink(25));
    }

    [Theory]
    [InlineData(false, false, "", (byte)1)]
    [InlineData(true, false, "", (byte)1)]
    [InlineData(true, true, "", (byte)1)]
    [InlineData(true, true, "cluster-a", (byte)0)]
    [InlineData(false, true, "cluster-a", (byte)1)]
    public void TryEncodeFramesAnAckAsEncodeDoes(bool checksum, bool encrypted, string label, byte version)
    {
        var settings = WireSettings.Default with { Keyring = encrypted ? Keys : null, Label = label, EncryptionVersion = version };
        var codec = new PacketCodec(settings);
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        MessageCodec.WriteAck(writer, 70_000);
        Assert.Equal(MessageCodec.Encode(MessageType.AckResponse, new AckResponse(70_000, [])), writer.WrittenSpan.ToArray());
        var buffer = new byte[200];
        Assert.True(codec.TryEncode(writer.WrittenSpan, checksum, buffer, out var written));
        var expected = codec.Encode(writer.WrittenSpan, checksum);
        Assert.Equal(expected.Length, written);
        if (!encrypted)
        {
            Assert.Equal(expected, buffer[..written]);
        }

        var (reason, messages, _) = Decode(settings, buffer[..written]);
        Assert.Equal(DropReason.None, reason);
        Assert.Equal(70_000u, Assert.IsType<AckResponse>(Assert.Single(messages).Message).SeqNo);
        Assert.False(codec.TryEncode(Packets.Alive(new string('n', 100)), checksum, buffer, out _) && settings.Compress);
    }

    [Fact]
    public void EncodeCompressesOnlyWhenSmaller()
    {
        var codec = new PacketCodec(WireSettings.Default);
        var small = Packets.Ping();
        Assert.Equal(small, codec.Encode(small, checksum: false));
        var big = CompoundMessage.Encode([.. Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<byte>)Packets.Alive("node-with-a-long-name", (uint)i))]);
        var framed = codec.Encode(big, checksum: false);
        Assert.Equal((byte)MessageType.Compress, framed[0]);
        Assert.True(framed.Length < big.Length);
    }

    [Fact]
    public void DecodeCompoundWithATruncatedLastPartKeepsTheOthers()
    {
        var compound = CompoundMessage.Encode([Packets.Ping(1), Packets.Ping(2), Packets.Ping(3)]);
        var (reason, messages, parts) = Decode(WireSettings.Default, compound[..^3]);
        Assert.Equal(DropReason.None, reason);
        Assert.Equal(2, messages.Count);
        Assert.Equal([DropReason.Truncated], parts);
    }

    [Fact]
    public void DecodeCompoundWithAMalformedPartDropsThatPartAlone()
    {
        byte[] bad = [(byte)MessageType.Alive, 0x81, 0xa4, (byte)'N', (byte)'o', (byte)'d', (byte)'e', 0xcc];
        var compound = CompoundMessage.Encode([Packets.Ping(1), bad, Packets.Ping(3)]);
        var (reason, messages, parts) = Decode(WireSettings.Default, compound);
        Assert.Equal(DropReason.None, reason);
        Assert.Equal(2, messages.Count);
        Assert.Equal([DropReason.Malformed], parts);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 7 })]
    [InlineData(new byte[] { 7, 3, 0, 1 })]
    public void Decode_compound_without_its_lengths_is_truncated(byte[] packet)
        => Assert.Equal(DropReason.Truncated, Decode(WireSettings.Default, packet).Reason);

    [Fact]
    public void DecodeBadChecksumIsDroppedAsForged()
    {
        var framed = Checksum.Add(Packets.Ping());
        framed[^1] ^= 1;
        Assert.Equal(DropReason.BadChecksum, Decode(WireSettings.Default, framed).Reason);
    }

    [Fact]
    public void DecodeWithAnotherKeyIsUndecryptableAndPlainTextIsRefused()
    {
        var other = new Keyring([new byte[16]]);
        var theirs = new PacketCodec(WireSettings.Default with { Keyring = other }).Encode(Packets.Ping(), checksum: true);
        Assert.Equal(DropReason.Undecryptable, Decode(WireSettings.Default with { Keyring = Keys }, theirs).Reason);
        Assert.Equal(DropReason.EncryptionMismatch, Decode(WireSettings.Default with { Keyring = Keys }, Packets.Alive("a")).Reason);
    }

    [Fact]
    public void DecodeAcceptsPlainTextWhenIncomingVerificationIsOff()
        => Assert.Equal(DropReason.None, Decode(WireSettings.Default with { Keyring = Keys, VerifyIncoming = false }, Packets.Alive("a")).Reason);

    [Theory]
    [InlineData("", "b")]
    [InlineData("a", "")]
    [InlineData("a", "b")]
    public void DecodeWithAnotherLabelIsDropped(string ours, string theirs)
    {
        var packet = new PacketCodec(WireSettings.Default with { Label = theirs }).Encode(Packets.Ping(), checksum: false);
        Assert.Equal(DropReason.WrongLabel, Decode(WireSettings.Default with { Label = ours }, packet).Reason);
    }

    [Theory]
    [InlineData(new byte[] { 244 })]
    [InlineData(new byte[] { 244, 0, 0 })]
    [InlineData(new byte[] { 244, 5, 97 })]
    public void Decode_truncated_or_empty_label_header_is_dropped(byte[] packet)
        => Assert.Equal(DropReason.WrongLabel, Decode(WireSettings.Default, packet).Reason);

    [Fact]
    public void DecodeCompressionNestedBeyondTheLimitIsTooDeep()
    {
        var message = Packets.Ping();
        for (var i = 0; i <= PacketCodec.MaxNesting; i++)
        {
            message = Compression.Compress(message);
        }

        Assert.Equal(DropReason.TooDeep, Decode(WireSettings.Default, message).Reason);
    }

    [Theory]
    [InlineData((byte)6)]
    [InlineData((byte)13)]
    [InlineData((byte)200)]
    public void DecodeTypesThatDoNotTravelInPacketsAreUnknown(byte type)
        => Assert.Equal(DropReason.UnknownType, Decode(WireSettings.Default, [type, 0x80]).Reason);

    [Fact]
    public void DecodeUserMessageGivesItsBytes()
    {
        var (_, messages, _) = Decode(WireSettings.Default, [8, 1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, Assert.Single(messages).Message);
    }

    [Fact]
    public void DecodeOversizedDatagramIsDropped()
        => Assert.Equal(DropReason.Oversized, Decode(WireSettings.Default, new byte[PacketCodec.MaxPacket + 1]).Reason);

    [Fact]
    public void LabelLongerThan255BytesIsRefusedNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => WireSettings.Default with { Label = new string('l', 256) });
        Assert.Contains("256 bytes", error.Message, StringComparison.Ordinal);
    }
}
