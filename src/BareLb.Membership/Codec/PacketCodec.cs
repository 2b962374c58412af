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
    /// Decodes a datagram into <paramref name="messages"/>. Returns <see cref="DropReason.None"/> when the
    /// packet was readable (parts that were not are added to <paramref name="droppedParts"/>), else why
    /// the whole packet was dropped.
    /// </summary>
    public DropReason Decode(ReadOnlyMemory<byte> datagram, List<InboundMessage> messages, List<DropReason> droppedParts)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(droppedParts);
        if (datagram.Length > MaxPacket)
        {
            return DropReason.Oversized;
        }

        if (LabelHeader.TryRemove(datagram, out var buffer, out var label) != LabelHeader.Result.Ok
            || !label.Span.SequenceEqual(Settings.LabelBytes))
        {
            return DropReason.WrongLabel;
        }

        if (Settings.Keyring is { } keyring)
        {
            var result = PayloadEncryption.TryDecrypt(keyring, buffer.Span, Settings.LabelBytes, out var plain);
            if (result == PayloadEncryption.Result.Ok)
            {
                buffer = plain;
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

        return Handle(message, 0, messages, droppedParts, outermost: true);
    }

    /// <summary>Frames one message (type byte included, possibly a compound) for a peer; <paramref name="checksum"/> when the peer speaks protocol 5.</summary>
    public byte[] Encode(ReadOnlySpan<byte> message, bool checksum)
    {
        var framed = message.ToArray();
        if (Settings.Compress)
        {
            var compressed = Compression.Compress(framed);
            if (compressed.Length < framed.Length)
            {
                framed = compressed;
            }
        }

        if (checksum)
        {
            framed = Checksum.Add(framed);
        }

        if (Settings.Keyring is { } keyring && Settings.VerifyOutgoing)
        {
            framed = PayloadEncryption.Encrypt(Settings.EncryptionVersion, keyring.PrimaryKey.Span, framed, Settings.LabelBytes);
        }

        if (Settings.LabelBytes.Length > 0)
        {
            var header = LabelHeader.Make(Settings.LabelBytes);
            framed = [.. header, .. framed];
        }

        return framed;
    }

    /// <summary>Bytes that framing adds around the messages of one packet (memberlist's budget for piggybacked gossip).</summary>
    public int Overhead
        => CompoundMessage.HeaderOverhead
            + (Settings.LabelBytes.Length > 0 ? 2 + Settings.LabelBytes.Length : 0)
            + (Settings.EncryptionEnabled && Settings.VerifyOutgoing ? (Settings.EncryptionVersion == 0 ? 45 : 29) : 0);

    private static DropReason Handle(ReadOnlyMemory<byte> message, int depth, List<InboundMessage> messages, List<DropReason> droppedParts, bool outermost)
    {
        if (message.IsEmpty)
        {
            return Fail(DropReason.Truncated);
        }

        var type = (MessageType)message.Span[0];
        var body = message[1..];
        switch (type)
        {
            case MessageType.Compound:
                {
                    if (depth >= MaxNesting)
                    {
                        return Fail(DropReason.TooDeep);
                    }

                    var parts = new List<ReadOnlyMemory<byte>>();
                    if (!CompoundMessage.TryDecode(body, parts, out var truncated))
                    {
                        return Fail(DropReason.Truncated);
                    }

                    for (var i = 0; i < truncated; i++)
                    {
                        droppedParts.Add(DropReason.Truncated);
                    }

                    foreach (var part in parts)
                    {
                        Handle(part, depth + 1, messages, droppedParts, outermost: false);
                    }

                    return DropReason.None;
                }

            case MessageType.Compress:
                {
                    if (depth >= MaxNesting)
                    {
                        return Fail(DropReason.TooDeep);
                    }

                    var expanded = Compression.TryDecompress(body, MaxExpandedPacket, out var reason);
                    return expanded is null ? Fail(reason) : Handle(expanded, depth + 1, messages, droppedParts, outermost);
                }

            case MessageType.Ping:
                return Add<Ping>(type, body);
            case MessageType.IndirectPing:
                return Add<IndirectPing>(type, body);
            case MessageType.AckResponse:
                return Add<AckResponse>(type, body);
            case MessageType.NackResponse:
                return Add<NackResponse>(type, body);
            case MessageType.Suspect:
                return Add<Suspect>(type, body);
            case MessageType.Alive:
                return Add<Alive>(type, body);
            case MessageType.Dead:
                return Add<Dead>(type, body);
            case MessageType.User:
                messages.Add(new InboundMessage(type, body.ToArray()));
                return DropReason.None;
            default:
                return Fail(DropReason.UnknownType);
        }

        DropReason Add<T>(MessageType messageType, ReadOnlyMemory<byte> messageBody)
            where T : class
        {
            if (!MessageCodec.TryDecode<T>(messageBody, out var decoded))
            {
                return Fail(DropReason.Malformed);
            }

            messages.Add(new InboundMessage(messageType, decoded!));
            return DropReason.None;
        }

        // The whole packet fails only when nothing around it was a compound; a bad part fails alone.
        DropReason Fail(DropReason reason)
        {
            if (outermost)
            {
                return reason;
            }

            droppedParts.Add(reason);
            return DropReason.None;
        }
    }
}
