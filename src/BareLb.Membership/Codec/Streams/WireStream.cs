using System.Buffers.Binary;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Security;

namespace BareLb.Membership.Codec.Streams;

/// <summary>
/// memberlist's stream framing (net.go <c>rawSendMsgStream</c>, <c>readStream</c>; label.go):
/// the dialer starts with the label header; a message is then sent whole, compressed as one
/// <c>compressMsg</c> when compression is on, and inside an encrypted frame (type byte 10,
/// big-endian length, payload) when a keyring is set. Reading undoes each layer and refuses a
/// stream with a reason; it never throws on bad input.
/// </summary>
internal static class WireStream
{
    /// <summary>memberlist's limit on push-pull state (<c>maxPushStateBytes</c>), also our budget for one stream.</summary>
    public const int MaxStreamBytes = 20 * 1024 * 1024;

    /// <summary>Writes one message (type byte included); <paramref name="dialing"/> puts the label header first, as the side that opened the stream does.</summary>
    public static async Task WriteAsync(Stream stream, WireSettings settings, ReadOnlyMemory<byte> message, bool dialing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Frame(settings, message.Span, dialing), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bytes <see cref="WriteAsync"/> writes.</summary>
    public static byte[] Frame(WireSettings settings, ReadOnlySpan<byte> message, bool dialing)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var payload = settings.Compress ? Compression.Compress(message) : message.ToArray();
        if (settings.Keyring is { } keyring && settings.VerifyOutgoing)
        {
            payload = PayloadEncryption.EncryptStream(settings.EncryptionVersion, keyring.PrimaryKey.Span, payload, settings.LabelBytes);
        }

        return dialing && settings.LabelBytes.Length > 0 ? [.. LabelHeader.Make(settings.LabelBytes), .. payload] : payload;
    }

    /// <summary>Reads the start of a stream up to its message type; <paramref name="accepting"/> expects the label header, as the side that accepted the stream does.</summary>
    public static async Task<StreamMessage> ReadAsync(Stream stream, WireSettings settings, bool accepting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var reader = new WireStreamReader(stream, MaxStreamBytes + 64);
        var first = await reader.ReadByteAsync(cancellationToken).ConfigureAwait(false);
        if (first < 0)
        {
            return StreamMessage.Dropped(DropReason.Truncated);
        }

        if (accepting)
        {
            var label = ReadOnlyMemory<byte>.Empty;
            if (first == (byte)MessageType.HasLabel)
            {
                var size = await reader.ReadByteAsync(cancellationToken).ConfigureAwait(false);
                if (size <= 0)
                {
                    return StreamMessage.Dropped(DropReason.WrongLabel);
                }

                var labelBytes = await reader.ReadBytesAsync(size, cancellationToken).ConfigureAwait(false);
                if (labelBytes is null)
                {
                    return StreamMessage.Dropped(DropReason.WrongLabel);
                }

                label = labelBytes;

                first = await reader.ReadByteAsync(cancellationToken).ConfigureAwait(false);
                if (first < 0)
                {
                    return StreamMessage.Dropped(DropReason.Truncated);
                }
            }

            if (!label.Span.SequenceEqual(settings.LabelBytes))
            {
                return StreamMessage.Dropped(DropReason.WrongLabel);
            }
        }

        if (first == (byte)MessageType.Encrypt)
        {
            if (settings.Keyring is not { } keyring)
            {
                return StreamMessage.Dropped(DropReason.EncryptionMismatch);
            }

            var lengthBytes = await reader.ReadBytesAsync(4, cancellationToken).ConfigureAwait(false);
            if (lengthBytes is null)
            {
                return StreamMessage.Dropped(DropReason.Truncated);
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(lengthBytes);
            if (length > MaxStreamBytes)
            {
                return StreamMessage.Dropped(DropReason.Oversized);
            }

            var cipher = await reader.ReadBytesAsync((int)length, cancellationToken).ConfigureAwait(false);
            if (cipher is null)
            {
                return StreamMessage.Dropped(reader.BudgetExceeded ? DropReason.Oversized : DropReason.Truncated);
            }

            byte[] header = [(byte)MessageType.Encrypt, .. lengthBytes];
            var result = PayloadEncryption.TryDecrypt(keyring, cipher, PayloadEncryption.StreamAdditionalData(header, settings.LabelBytes), out var plain);
            if (result != PayloadEncryption.Result.Ok)
            {
                return StreamMessage.Dropped(result is PayloadEncryption.Result.NoKeyOpens or PayloadEncryption.Result.BadPadding ? DropReason.Undecryptable : DropReason.Malformed);
            }

            if (plain.Length == 0)
            {
                return StreamMessage.Dropped(DropReason.Truncated);
            }

            first = plain[0];
            reader = WireStreamReader.FromMemory(plain, 1);
        }
        else if (settings.EncryptionEnabled && settings.VerifyIncoming)
        {
            return StreamMessage.Dropped(DropReason.EncryptionMismatch);
        }

        if (first == (byte)MessageType.Compress)
        {
            var (status, compressed) = await reader.ReadMessageAsync<CompressedPayload>(cancellationToken).ConfigureAwait(false);
            if (compressed is null)
            {
                return StreamMessage.Dropped(status == MessageCodec.Status.Malformed ? DropReason.Malformed : reader.BudgetExceeded ? DropReason.Oversized : DropReason.Truncated);
            }

            var expanded = Compression.TryExpand(compressed, MaxStreamBytes, out var reason);
            if (expanded is null)
            {
                return StreamMessage.Dropped(reason);
            }

            if (expanded.Length == 0)
            {
                return StreamMessage.Dropped(DropReason.Truncated);
            }

            first = expanded[0];
            reader = WireStreamReader.FromMemory(expanded, 1);
        }

        return new StreamMessage(DropReason.None, (MessageType)first, reader);
    }

    /// <summary>Reads the message that follows a stream's type byte, mapping failures to a drop reason.</summary>
    public static async Task<(DropReason Reason, T? Message)> ReadBodyAsync<T>(WireStreamReader reader, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(reader);
        var (status, message) = await reader.ReadMessageAsync<T>(cancellationToken).ConfigureAwait(false);
        return status switch
        {
            MessageCodec.Status.Ok => (DropReason.None, message),
            MessageCodec.Status.Malformed => (DropReason.Malformed, null),
            _ => (reader.BudgetExceeded ? DropReason.Oversized : DropReason.Truncated, null),
        };
    }
}
