using System.Text;
using BareLb.Membership.Messages;

namespace BareLb.Membership.Codec;

/// <summary>
/// memberlist's label header (label.go, memberlist 0.3.1 and later): the type byte 244, the label's
/// length (1 to 255), then the label, in front of a packet or at the start of a stream. No label
/// means no header. Members with different labels ignore each other; the label is also the
/// additional data of encryption.
/// </summary>
internal static class LabelHeader
{
    /// <summary>The longest label.</summary>
    public const int MaxLength = 255;

    /// <summary>Checks a label (at most 255 UTF-8 bytes); returns its bytes.</summary>
    public static byte[] Validate(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var bytes = Encoding.UTF8.GetBytes(label);
        if (bytes.Length > MaxLength)
        {
            throw new ArgumentException($"The label '{label}' is {bytes.Length} bytes long; memberlist allows at most {MaxLength}.", nameof(label));
        }

        return bytes;
    }

    /// <summary>The header for <paramref name="label"/> (empty for no label).</summary>
    public static byte[] Make(ReadOnlySpan<byte> label)
    {
        if (label.IsEmpty)
        {
            return [];
        }

        var header = new byte[2 + label.Length];
        Write(label, header);
        return header;
    }

    /// <summary>Writes the header for <paramref name="label"/> (nothing for no label); returns its length.</summary>
    public static int Write(ReadOnlySpan<byte> label, Span<byte> destination)
    {
        if (label.IsEmpty)
        {
            return 0;
        }

        destination[0] = (byte)MessageType.HasLabel;
        destination[1] = (byte)label.Length;
        label.CopyTo(destination[2..]);
        return 2 + label.Length;
    }

    /// <summary>The outcome of reading a header.</summary>
    public enum Result
    {
        /// <summary>No header, or a whole one.</summary>
        Ok,

        /// <summary>A header that ends early.</summary>
        Truncated,

        /// <summary>A header with length 0.</summary>
        Empty,
    }

    /// <summary>Removes a packet's label header, as memberlist's <c>RemoveLabelHeaderFromPacket</c>.</summary>
    public static Result TryRemove(ReadOnlyMemory<byte> packet, out ReadOnlyMemory<byte> rest, out ReadOnlyMemory<byte> label)
    {
        rest = packet;
        label = ReadOnlyMemory<byte>.Empty;
        var span = packet.Span;
        if (span.IsEmpty || span[0] != (byte)MessageType.HasLabel)
        {
            return Result.Ok;
        }

        if (span.Length < 2)
        {
            return Result.Truncated;
        }

        int size = span[1];
        if (size < 1)
        {
            return Result.Empty;
        }

        if (span.Length < 2 + size)
        {
            return Result.Truncated;
        }

        label = packet.Slice(2, size);
        rest = packet[(2 + size)..];
        return Result.Ok;
    }
}
