using System.Buffers.Binary;
using BareLb.Membership.Codec;
using BareLb.Membership.Codec.Streams;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Security;
using BareLb.Membership.Tests.Support;

namespace BareLb.Membership.Tests.Codec;

public sealed class WireStreamTests
{
    private static readonly Keyring Keys = new([Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()]);

    private static PushPullState State(int nodes, int userBytes) => new(
        true,
        [.. Enumerable.Range(0, nodes).Select(i => new PushNodeState($"node-{i}", Packets.Address, 7946, [], (uint)i, (MemberWireState)(i % 4), Packets.Vsn))],
        [.. Enumerable.Range(0, userBytes).Select(i => (byte)i)]);

    [Theory]
    [InlineData(false, false, "", 3, 0)]
    [InlineData(true, false, "", 3, 10)]
    [InlineData(false, true, "", 50, 0)]
    [InlineData(true, true, "lab", 200, 5000)]
    [InlineData(true, true, "", 0, 0)]
    public async Task PushPullStateRoundTripsThroughEveryLayer(bool compress, bool encrypted, string label, int nodes, int userBytes)
    {
        var settings = WireSettings.Default with { Compress = compress, Keyring = encrypted ? Keys : null, Label = label };
        var state = State(nodes, userBytes);
        using var stream = new MemoryStream(WireStream.Frame(settings, state.Encode(), dialing: true));
        var message = await WireStream.ReadAsync(stream, settings, accepting: true, TestContext.Current.CancellationToken);
        Assert.Equal(DropReason.None, message.Reason);
        Assert.Equal(MessageType.PushPull, message.Type);
        var (reason, read) = await PushPullState.ReadAsync(message.Body!, TestContext.Current.CancellationToken);
        Assert.Equal(DropReason.None, reason);
        Assert.True(read!.Join);
        Assert.Equal(state.Nodes.Select(n => (n.Name, n.Incarnation, n.State)), read.Nodes.Select(n => (n.Name, n.Incarnation, n.State)));
        Assert.Equal(state.UserState, read.UserState);
    }

    [Fact]
    public async Task StreamReadInSmallPiecesDecodesTheSame()
    {
        var state = State(20, 100);
        using var stream = new TrickleStream(WireStream.Frame(WireSettings.Default with { Compress = false }, state.Encode(), dialing: true));
        var message = await WireStream.ReadAsync(stream, WireSettings.Default, accepting: true, TestContext.Current.CancellationToken);
        var (reason, read) = await PushPullState.ReadAsync(message.Body!, TestContext.Current.CancellationToken);
        Assert.Equal(DropReason.None, reason);
        Assert.Equal(20, read!.Nodes.Count);
    }

    [Fact]
    public async Task StreamWithAnotherKeyIsUndecryptableAndPlainIsRefusedWhenEncrypting()
    {
        var theirs = WireStream.Frame(WireSettings.Default with { Keyring = new Keyring([new byte[16]]) }, State(1, 0).Encode(), dialing: true);
        Assert.Equal(DropReason.Undecryptable, (await Read(WireSettings.Default with { Keyring = Keys }, theirs)).Reason);
        var plain = WireStream.Frame(WireSettings.Default, State(1, 0).Encode(), dialing: true);
        Assert.Equal(DropReason.EncryptionMismatch, (await Read(WireSettings.Default with { Keyring = Keys }, plain)).Reason);
        Assert.Equal(DropReason.EncryptionMismatch, (await Read(WireSettings.Default, theirs)).Reason);
    }

    [Fact]
    public async Task StreamDeclaringMoreThan20MiBIsOversized()
    {
        var frame = new byte[5 + 100];
        frame[0] = (byte)MessageType.Encrypt;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), WireStream.MaxStreamBytes + 1u);
        Assert.Equal(DropReason.Oversized, (await Read(WireSettings.Default with { Keyring = Keys }, frame)).Reason);
    }

    [Fact]
    public async Task StreamCutShortIsTruncated()
    {
        var frame = WireStream.Frame(WireSettings.Default with { Keyring = Keys }, State(5, 0).Encode(), dialing: true);
        Assert.Equal(DropReason.Truncated, (await Read(WireSettings.Default with { Keyring = Keys }, frame[..^10])).Reason);
        Assert.Equal(DropReason.Truncated, (await Read(WireSettings.Default, [])).Reason);

        var plain = WireStream.Frame(WireSettings.Default with { Compress = false }, State(5, 0).Encode(), dialing: true);
        var message = await Read(WireSettings.Default, plain[..^10]);
        var (reason, _) = await PushPullState.ReadAsync(message.Body!, TestContext.Current.CancellationToken);
        Assert.Equal(DropReason.Truncated, reason);
    }

    [Fact]
    public async Task StreamWithAnotherLabelIsRefused()
    {
        var frame = WireStream.Frame(WireSettings.Default with { Label = "x" }, State(1, 0).Encode(), dialing: true);
        Assert.Equal(DropReason.WrongLabel, (await Read(WireSettings.Default with { Label = "y" }, frame)).Reason);
        Assert.Equal(DropReason.WrongLabel, (await Read(WireSettings.Default, frame)).Reason);
    }

    [Fact]
    public async Task PushPullHeaderWithNegativeCountsIsMalformed()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        MessageCodec.Write(buffer, MessageType.PushPull, new PushPullHeader(-1, 0, false));
        var message = await Read(WireSettings.Default, WireStream.Frame(WireSettings.Default with { Compress = false }, buffer.WrittenSpan, dialing: true));
        Assert.Equal(DropReason.Malformed, (await PushPullState.ReadAsync(message.Body!, TestContext.Current.CancellationToken)).Reason);
    }

    // The stream stays open (a MemoryStream holds nothing to release) so that the body can be read after.
    private static Task<StreamMessage> Read(WireSettings settings, byte[] bytes)
        => WireStream.ReadAsync(new MemoryStream(bytes), settings, accepting: true, TestContext.Current.CancellationToken);

    /// <summary>Delivers at most 3 bytes a read, as a slow TCP peer.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(buffer.Length, 3)], cancellationToken);
    }
}
