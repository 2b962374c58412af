using System.Buffers;

namespace BareLb.Membership.Codec.Lzw;

/// <summary>
/// LZW decompression of Go's <c>compress/lzw</c> LSB format with a literal width of 8 (see
/// <see cref="LzwEncoder"/> for why this is our own). Accepts what Go's reader accepts: data must
/// end with the end code (else it is truncated), an unknown code is an error, bytes after the end
/// code are ignored. Output beyond <c>maxOutput</c> bytes is refused, so a small packet cannot
/// expand into a large allocation.
/// </summary>
internal static class LzwDecoder
{
    private const int LiteralWidth = 8;
    private const int MaxWidth = 12;
    private const ushort ClearCode = 1 << LiteralWidth;
    private const ushort EndCode = ClearCode + 1;
    private const ushort InvalidCode = ushort.MaxValue;

    /// <summary>The outcome of a decode.</summary>
    public enum Result
    {
        Ok,
        Truncated,
        InvalidCode,
        TooLarge,
    }

    /// <summary>Decompresses <paramref name="input"/> into <paramref name="output"/>.</summary>
    public static Result Decode(ReadOnlySpan<byte> input, int maxOutput, out byte[] output)
    {
        var result = DecodePooled(input, maxOutput, out var rented, out var length);
        output = result == Result.Ok ? rented.AsSpan(0, length).ToArray() : [];
        if (result == Result.Ok)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>
    /// Decompresses <paramref name="input"/> into the first <paramref name="length"/> bytes of <paramref name="rented"/>,
    /// an array of <see cref="ArrayPool{T}.Shared"/> that the caller returns when the result is <see cref="Result.Ok"/>.
    /// </summary>
    public static Result DecodePooled(ReadOnlySpan<byte> input, int maxOutput, out byte[] rented, out int length)
    {
        rented = [];
        length = 0;
        var written = new Output(ArrayPool<byte>.Shared.Rent(Math.Min(maxOutput, Math.Max(256, input.Length * 3))), maxOutput);
        var suffix = ArrayPool<byte>.Shared.Rent(1 << MaxWidth);
        var prefix = ArrayPool<ushort>.Shared.Rent(1 << MaxWidth);
        var scratch = ArrayPool<byte>.Shared.Rent(1 << MaxWidth);
        Array.Clear(suffix);
        Array.Clear(prefix);
        try
        {
            var width = LiteralWidth + 1;
            int hi = EndCode;
            var overflow = 1 << width;
            var last = InvalidCode;
            uint bits = 0;
            var count = 0;
            var position = 0;
            while (true)
            {
                while (count < width)
                {
                    if (position == input.Length)
                    {
                        return Result.Truncated;
                    }

                    bits |= (uint)input[position++] << count;
                    count += 8;
                }

                var code = (ushort)(bits & ((1u << width) - 1));
                bits >>= width;
                count -= width;

                if (code < ClearCode)
                {
                    if (!written.Append([(byte)code]))
                    {
                        return Result.TooLarge;
                    }

                    if (last != InvalidCode)
                    {
                        suffix[hi] = (byte)code;
                        prefix[hi] = last;
                    }
                }
                else if (code == ClearCode)
                {
                    width = LiteralWidth + 1;
                    hi = EndCode;
                    overflow = 1 << width;
                    last = InvalidCode;
                    continue;
                }
                else if (code == EndCode)
                {
                    (rented, length) = (written.Buffer, written.Length);
                    written = default;
                    return Result.Ok;
                }
                else if (code <= hi)
                {
                    // Expand the chain backwards into scratch; code == hi (the code being defined)
                    // expands to last's expansion followed by its first byte.
                    var i = scratch.Length - 1;
                    int c = code;
                    if (code == hi && last != InvalidCode)
                    {
                        c = last;
                        while (c >= ClearCode)
                        {
                            c = prefix[c];
                        }

                        scratch[i--] = (byte)c;
                        c = last;
                    }

                    while (c >= ClearCode)
                    {
                        if (i <= 0)
                        {
                            return Result.InvalidCode;
                        }

                        scratch[i--] = suffix[c];
                        c = prefix[c];
                    }

                    scratch[i] = (byte)c;
                    if (!written.Append(scratch.AsSpan(i, scratch.Length - i)))
                    {
                        return Result.TooLarge;
                    }

                    if (last != InvalidCode)
                    {
                        suffix[hi] = (byte)c;
                        prefix[hi] = last;
                    }
                }
                else
                {
                    return Result.InvalidCode;
                }

                last = code;
                hi++;
                if (hi >= overflow)
                {
                    if (width == MaxWidth)
                    {
                        last = InvalidCode;
                        hi--;
                    }
                    else
                    {
                        width++;
                        overflow = 1 << width;
                    }
                }
            }
        }
        finally
        {
            written.Return();
            ArrayPool<byte>.Shared.Return(suffix);
            ArrayPool<ushort>.Shared.Return(prefix);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>The output in a pooled array that doubles as it fills, up to the most allowed.</summary>
    private struct Output(byte[] buffer, int max)
    {
        public byte[] Buffer { get; private set; } = buffer;

        public int Length { get; private set; }

        public bool Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > max)
            {
                return false;
            }

            if (Length + bytes.Length > Buffer.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent(Math.Min(max, Math.Max(Length + bytes.Length, Buffer.Length * 2)));
                Buffer.AsSpan(0, Length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(Buffer);
                Buffer = grown;
            }

            bytes.CopyTo(Buffer.AsSpan(Length));
            Length += bytes.Length;
            return true;
        }

        /// <summary>Returns the array unless it was handed out (<c>default</c>).</summary>
        public readonly void Return()
        {
            if (Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(Buffer);
            }
        }
    }
}
