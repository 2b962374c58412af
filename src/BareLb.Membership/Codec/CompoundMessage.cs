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
    /// Reads a compound body's header (after the type byte): false when the count or lengths are
    /// missing; else how many parts are whole, and how many are cut off at the end (<paramref name="truncated"/>).
    /// Read the whole parts in order with <see cref="NextPart"/>, from <paramref name="offset"/>.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> body, out int whole, out int truncated, out int offset)
    {
        whole = 0;
        truncated = 0;
        offset = 0;
        if (body.Length < 1)
        {
            return false;
        }

        int count = body[0];
        if (body.Length < 1 + (count * OverheadPerPart))
        {
            return false;
        }

        offset = 1 + (count * OverheadPerPart);
        var end = offset;
        for (; whole < count; whole++)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(body[(1 + (whole * OverheadPerPart))..]);
            if (body.Length - end < length)
            {
                truncated = count - whole;
                break;
            }

            end += length;
        }

        return true;
    }

    /// <summary>Part <paramref name="index"/> of a body measured by <see cref="TryMeasure"/>, at <paramref name="offset"/>, which moves past it.</summary>
    public static ReadOnlyMemory<byte> NextPart(ReadOnlyMemory<byte> body, int index, ref int offset)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(body.Span[(1 + (index * OverheadPerPart))..]);
        var part = body.Slice(offset, length);
        offset += length;
        return part;
    }
}
