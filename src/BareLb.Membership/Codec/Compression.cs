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

    /// <summary>Expands a <c>compressMsg</c> body (after the type byte); returns null and a reason on bad input.</summary>
    public static byte[]? TryDecompress(ReadOnlyMemory<byte> body, int maxExpanded, out DropReason reason)
    {
        if (!MessageCodec.TryDecode<CompressedPayload>(body, out var payload))
        {
            reason = DropReason.Malformed;
            return null;
        }

        return TryExpand(payload!, maxExpanded, out reason);
    }

    /// <summary>Expands a decoded <c>compress</c> wrapper.</summary>
    public static byte[]? TryExpand(CompressedPayload payload, int maxExpanded, out DropReason reason)
    {
        if (payload.Algo != LzwAlgorithm)
        {
            reason = DropReason.BadCompression;
            return null;
        }

        switch (LzwDecoder.Decode(payload.Buf, maxExpanded, out var expanded))
        {
            case LzwDecoder.Result.Ok:
                reason = DropReason.None;
                return expanded;
            case LzwDecoder.Result.TooLarge:
                reason = DropReason.Oversized;
                return null;
            default:
                reason = DropReason.BadCompression;
                return null;
        }
    }
}
