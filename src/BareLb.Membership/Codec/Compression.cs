using System.Buffers;
using BareLb.Membership.Codec.Lzw;
using BareLb.Membership.Messages;

using BareLb.Membership.Diagnostics;

namespace BareLb.Membership.Codec;

/// <summary>
/// memberlist's <c>compressMsg</c>: the type byte 9, then <c>compress{Algo: 0, Buf: lzw(message)}</c>
/// (util.go <c>compressPayload</c>/<c>decompressPayload</c>). The compressed message carries its own type byte.
/// </summary>
internal static class Compression
{
    /// <summary>The largest message a compressed payload may expand to (memberlist's push-pull state limit, 20 MiB).</summary>
    public const int MaxExpandedSize = 20 * 1024 * 1024;

    /// <summary>memberlist's only algorithm, LZW.</summary>
    public const int LzwAlgorithm = 0;

    /// <summary>The whole <c>compressMsg</c> (type byte included) wrapping <paramref name="message"/>.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> message)
        => MessageCodec.Encode(MessageType.Compress, new CompressedPayload(LzwAlgorithm, LzwEncoder.Encode(message)));

    /// <summary>
    /// Whether compressing <paramref name="length"/> bytes surely gives no smaller <c>compressMsg</c>, so that the
    /// sender may skip trying (memberlist sends it only when smaller). A lower bound of the compressed size: the
    /// wrapper's 13 bytes at least (type, map, "Algo", 0, "Buf", raw header) and LZW's clear and end codes and m
    /// codes of 9 bits at least, where the i-th code covers at most i bytes, so m(m + 1) / 2 must reach the length.
    /// True for messages of up to 24 bytes, which an ack is (at most 21).
    /// </summary>
    public static bool CannotShrink(int length)
    {
        var codes = 0;
        while (codes * (codes + 1) / 2 < length)
        {
            codes++;
        }

        var least = 13 + (((9 * (codes + 2)) + 7) / 8);
        return least >= length;
    }

    /// <summary>
    /// Expands a <c>compressMsg</c> body (after the type byte) read in place into the first <paramref name="length"/>
    /// bytes of a pooled array, which the caller returns to <see cref="ArrayPool{T}.Shared"/>; null and a reason on bad input.
    /// </summary>
    public static byte[]? TryDecompressPooled(ReadOnlyMemory<byte> body, int maxExpanded, out int length, out DropReason reason)
    {
        length = 0;
        if (!InPlaceMessages.TryRead(body, CompressedView.Read, out var payload))
        {
            reason = DropReason.Malformed;
            return null;
        }

        return TryExpandPooled(payload.Algo, payload.Buf, maxExpanded, out length, out reason);
    }

    /// <summary>Expands a decoded <c>compress</c> wrapper.</summary>
    public static byte[]? TryExpand(CompressedPayload payload, int maxExpanded, out DropReason reason)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var rented = TryExpandPooled(payload.Algo, payload.Buf, maxExpanded, out var length, out reason);
        if (rented is null)
        {
            return null;
        }

        var expanded = rented.AsSpan(0, length).ToArray();
        ArrayPool<byte>.Shared.Return(rented);
        return expanded;
    }

    private static byte[]? TryExpandPooled(int algo, ReadOnlySpan<byte> buf, int maxExpanded, out int length, out DropReason reason)
    {
        length = 0;
        if (algo != LzwAlgorithm)
        {
            reason = DropReason.BadCompression;
            return null;
        }

        switch (LzwDecoder.DecodePooled(buf, maxExpanded, out var rented, out length))
        {
            case LzwDecoder.Result.Ok:
                reason = DropReason.None;
                return rented;
            case LzwDecoder.Result.TooLarge:
                reason = DropReason.Oversized;
                return null;
            default:
                reason = DropReason.BadCompression;
                return null;
        }
    }
}
