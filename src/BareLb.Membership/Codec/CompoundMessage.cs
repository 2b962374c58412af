using System.Buffers.Binary;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>
/// memberlist's <c>compoundMsg</c> (util.go <c>makeCompoundMessage</c>/<c>decodeCompoundMessage</c>):
/// the type byte 7, a count byte, a big-endian 16-bit length per part, then the parts.
/// A part that does not fit in what is left is truncated: it and all after it are dropped, the
/// parts before it are kept.
/// </summary>
internal static class CompoundMessage
{
    /// <summary>The most parts one compound message holds (the count is a byte).</summary>
    public const int MaxParts = byte.MaxValue;

    /// <summary>Bytes a compound message adds per part (its length).</summary>
    public const int OverheadPerPart = 2;

    /// <summary>Bytes a compound message adds once (type and count).</summary>
    public const int HeaderOverhead = 2;

    /// <summary>The compound message (type byte included) of <paramref name="parts"/>, each a whole message with its type byte.</summary>
    public static byte[] Encode(IReadOnlyList<ReadOnlyMemory<byte>> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count > MaxParts)
        {
            throw new ArgumentOutOfRangeException(nameof(parts), parts.Count, $"A compound message holds at most {MaxParts} parts.");
        }

        var length = HeaderOverhead + (OverheadPerPart * parts.Count);
        foreach (var part in parts)
        {
            if (part.Length > ushort.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(parts), part.Length, "A compound message part holds at most 65535 bytes.");
            }

            length += part.Length;
        }

        var buffer = new byte[length];
        buffer[0] = (byte)MessageType.Compound;
        buffer[1] = (byte)parts.Count;
        var offset = HeaderOverhead;
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(offset), (ushort)part.Length);
            offset += OverheadPerPart;
        }

        foreach (var part in parts)
        {
            part.Span.CopyTo(buffer.AsSpan(offset));
            offset += part.Length;
        }

        return buffer;
    }

    /// <summary>
    /// Splits a compound body (after the type byte) into <paramref name="parts"/>; false when the count
    /// or lengths are missing. <paramref name="truncated"/> counts the parts cut off at the end.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> body, List<ReadOnlyMemory<byte>> parts, out int truncated)
    {
        ArgumentNullException.ThrowIfNull(parts);
        truncated = 0;
        var span = body.Span;
        if (span.Length < 1)
        {
            return false;
        }

        int count = span[0];
        if (span.Length < 1 + (count * OverheadPerPart))
        {
            return false;
        }

        var offset = 1 + (count * OverheadPerPart);
        for (var i = 0; i < count; i++)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(span[(1 + (i * OverheadPerPart))..]);
            if (body.Length - offset < length)
            {
                truncated = count - i;
                return true;
            }

            parts.Add(body.Slice(offset, length));
            offset += length;
        }

        return true;
    }
}
