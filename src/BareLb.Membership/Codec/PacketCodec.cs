using System.Buffers;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Security;

namespace BareLb.Membership.Codec;

/// <summary>
/// memberlist's packet framing, both ways. Inbound (<c>ingestPacket</c>, <c>handleCommand</c>):
/// label header, decryption, checksum, then the message, which may be a compound of messages or a
/// compressed message, each possibly nesting the other. Outbound (<c>rawSendMsgPacket</c> and the
/// label transport): compression when smaller, checksum for peers that speak protocol 5,
/// encryption, label header. Decoding never throws: a bad packet is dropped with a reason, a bad
/// part of a compound is dropped alone.
/// </summary>
internal sealed class PacketCodec(WireSettings settings)
{
    /// <summary>How deep compound and compressed messages may nest (memberlist sends at most compressed(compound(...))).</summary>
    public const int MaxNesting = 4;

    /// <summary>The most a compressed packet may expand to.</summary>
    public const int MaxExpandedPacket = 1024 * 1024;

    /// <summary>The largest datagram read (memberlist's <c>udpPacketBufSize</c>).</summary>
    public const int MaxPacket = 65536;

    public WireSettings Settings { get; } = settings;

    /// <summary>
    /// Decodes a datagram into <paramref name="messages"/> (records). Returns <see cref="DropReason.None"/> when the
    /// packet was readable (parts that were not are added to <paramref name="droppedParts"/>), else why
    /// the whole packet was dropped.
    /// </summary>
    public DropReason Decode(ReadOnlyMemory<byte> datagram, List<InboundMessage> messages, List<DropReason> droppedParts)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(droppedParts);
        var records = new RecordSink(messages, droppedParts);
        return Decode(datagram, ref records);
    }

    /// <summary>
    /// Reads a datagram's messages into <paramref name="sink"/>, in place. Returns <see cref="DropReason.None"/> when
    /// the packet was readable (parts that were not went to <see cref="IMessageSink.PartDropped"/>), else why the
    /// whole packet was dropped. It allocates nothing: decrypted and expanded messages are in pooled buffers.
    /// </summary>
    public DropReason Decode<TSink>(ReadOnlyMemory<byte> datagram, ref TSink sink)
        where TSink : IMessageSink
    {
        if (datagram.Length > MaxPacket)
        {
            return DropReason.Oversized;
        }

        if (LabelHeader.TryRemove(datagram, out var buffer, out var label) != LabelHeader.Result.Ok
            || !label.Span.SequenceEqual(Settings.LabelBytes))
        {
            return DropReason.WrongLabel;
        }

        byte[]? decrypted = null;
        try
        {
            if (Settings.Keyring is { } keyring)
            {
                decrypted = ArrayPool<byte>.Shared.Rent(buffer.Length);
                var result = PayloadEncryption.TryDecrypt(keyring, buffer.Span, Settings.LabelBytes, decrypted, out var length);
                if (result == PayloadEncryption.Result.Ok)
                {
                    buffer = decrypted.AsMemory(0, length);
                }
                else if (Settings.VerifyIncoming)
                {
                    return result is PayloadEncryption.Result.NoKeyOpens or PayloadEncryption.Result.BadPadding
                        ? DropReason.Undecryptable
                        : DropReason.EncryptionMismatch;
                }
            }

            if (!Checksum.TryRemove(buffer, out var message))
            {
                return DropReason.BadChecksum;
            }

            return Handle(message, 0, ref sink, outermost: true);
        }
        finally
        {
            if (decrypted is not null)
            {
                ArrayPool<byte>.Shared.Return(decrypted);
            }
        }
    }

    /// <summary>Frames one message (type byte included, possibly a compound) for a peer; <paramref name="checksum"/> when the peer speaks protocol 5.</summary>
    public byte[] Encode(ReadOnlySpan<byte> message, bool checksum)
    {
        byte[]? compressed = null;
        if (Settings.Compress && !Compression.CannotShrink(message.Length))
        {
            var candidate = Compression.Compress(message);
            if (candidate.Length < message.Length)
            {
                compressed = candidate;
            }
        }

        ReadOnlySpan<byte> inner = compressed ?? message;
        var packet = new byte[FramedLength(inner.Length, checksum)];
        Write(inner, checksum, packet);
        return packet;
    }

    /// <summary>
    /// Frames one message as <see cref="Encode"/> does, into <paramref name="destination"/>, when compression
    /// cannot make it smaller (an ack, say): false when it might (use <see cref="Encode"/>) or the destination is
    /// too short. Allocates nothing but, with encryption, the cipher.
    /// </summary>
    public bool TryEncode(ReadOnlySpan<byte> message, bool checksum, Span<byte> destination, out int written)
    {
        written = FramedLength(message.Length, checksum);
        if ((Settings.Compress && !Compression.CannotShrink(message.Length)) || destination.Length < written)
        {
            written = 0;
            return false;
        }

        Write(message, checksum, destination[..written]);
        return true;
    }

    private bool Encrypts => Settings.Keyring is not null && Settings.VerifyOutgoing;

    /// <summary>The length of a packet framing <paramref name="messageLength"/> bytes (compressed already, if at all).</summary>
    private int FramedLength(int messageLength, bool checksum)
    {
        var inner = messageLength + (checksum ? Checksum.HeaderLength : 0);
        if (Encrypts)
        {
            inner = PayloadEncryption.EncryptedLength(Settings.EncryptionVersion, inner);
        }

        return (Settings.LabelBytes.Length > 0 ? 2 + Settings.LabelBytes.Length : 0) + inner;
    }

    /// <summary>Label header, then (encrypted when set) the checksum header and the message.</summary>
    private void Write(ReadOnlySpan<byte> message, bool checksum, Span<byte> packet)
    {
        var rest = packet[LabelHeader.Write(Settings.LabelBytes, packet)..];
        if (!Encrypts)
        {
            _ = checksum ? Checksum.Write(message, rest) : CopyTo(message, rest);
            return;
        }

        // The plain text goes where the cipher text will be, which encryption allows.
        var plain = rest[(PayloadEncryption.VersionSize + PayloadEncryption.NonceSize)..];
        var plainLength = checksum ? Checksum.Write(message, plain) : CopyTo(message, plain);
        PayloadEncryption.EncryptTo(Settings.EncryptionVersion, Settings.Keyring!, plain[..plainLength], Settings.LabelBytes, rest);
    }

    private static int CopyTo(ReadOnlySpan<byte> message, Span<byte> destination)
    {
        message.CopyTo(destination);
        return message.Length;
    }

    /// <summary>Bytes that framing adds around the messages of one packet (memberlist's budget for piggybacked gossip).</summary>
    public int Overhead
        => CompoundMessage.HeaderOverhead
            + (Settings.LabelBytes.Length > 0 ? 2 + Settings.LabelBytes.Length : 0)
            + (Settings.EncryptionEnabled && Settings.VerifyOutgoing ? (Settings.EncryptionVersion == 0 ? 45 : 29) : 0);

    private static DropReason Handle<TSink>(ReadOnlyMemory<byte> message, int depth, ref TSink sink, bool outermost)
        where TSink : IMessageSink
    {
        if (message.IsEmpty)
        {
            return Fail(DropReason.Truncated, ref sink, outermost);
        }

        var type = (MessageType)message.Span[0];
        var body = message[1..];
        switch (type)
        {
            case MessageType.Compound:
                {
                    if (depth >= MaxNesting)
                    {
                        return Fail(DropReason.TooDeep, ref sink, outermost);
                    }

                    if (!CompoundMessage.TryMeasure(body.Span, out var whole, out var truncated, out var offset))
                    {
                        return Fail(DropReason.Truncated, ref sink, outermost);
                    }

                    for (var i = 0; i < truncated; i++)
                    {
                        sink.PartDropped(DropReason.Truncated);
                    }

                    for (var i = 0; i < whole; i++)
                    {
                        Handle(CompoundMessage.NextPart(body, i, ref offset), depth + 1, ref sink, outermost: false);
                    }

                    return DropReason.None;
                }

            case MessageType.Compress:
                {
                    if (depth >= MaxNesting)
                    {
                        return Fail(DropReason.TooDeep, ref sink, outermost);
                    }

                    var expanded = Compression.TryDecompressPooled(body, MaxExpandedPacket, out var length, out var reason);
                    if (expanded is null)
                    {
                        return Fail(reason, ref sink, outermost);
                    }

                    try
                    {
                        return Handle(expanded.AsMemory(0, length), depth + 1, ref sink, outermost);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(expanded);
                    }
                }

            case MessageType.Ping or MessageType.IndirectPing or MessageType.AckResponse or MessageType.NackResponse
                or MessageType.Suspect or MessageType.Alive or MessageType.Dead or MessageType.User:
                return sink.Message(type, body) ? DropReason.None : Fail(DropReason.Malformed, ref sink, outermost);
            default:
                return Fail(DropReason.UnknownType, ref sink, outermost);
        }
    }

    /// <summary>The whole packet fails only when nothing around it was a compound; a bad part fails alone.</summary>
    private static DropReason Fail<TSink>(DropReason reason, ref TSink sink, bool outermost)
        where TSink : IMessageSink
    {
        if (outermost)
        {
            return reason;
        }

        sink.PartDropped(reason);
        return DropReason.None;
    }

    /// <summary>Decodes each message into its record (<see cref="InboundMessage"/>), and lists the parts dropped when given a list.</summary>
    internal readonly struct RecordSink(List<InboundMessage> messages, List<DropReason>? droppedParts) : IMessageSink
    {
        public bool Message(MessageType type, ReadOnlyMemory<byte> body)
        {
            if (!AnyMessage.TryDecode(type, body, out var record))
            {
                return false;
            }

            messages.Add(new InboundMessage(type, record));
            return true;
        }

        public void PartDropped(DropReason reason) => droppedParts?.Add(reason);
    }
}
