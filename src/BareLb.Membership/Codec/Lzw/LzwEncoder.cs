using System.Buffers;

namespace BareLb.Membership.Codec.Lzw;

/// <summary>
/// LZW compression as Go's <c>compress/lzw</c> writes it with <c>lzw.LSB</c> and a literal width of 8,
/// which memberlist uses for its <c>compressMsg</c> (the only algorithm it knows). Our own code,
/// written from the format: no maintained .NET package produces Go's variant (LSB bit order,
/// 9 to 12 bit codes, a clear code first and whenever the 4096 codes run out, no "early change").
/// Codes: 0-255 literals, 256 clear, 257 end; the code width grows when the next code to assign
/// reaches the width's limit.
/// </summary>
internal static class LzwEncoder
{
    private const int LiteralWidth = 8;
    private const uint ClearCode = 1u << LiteralWidth;
    private const uint EndCode = ClearCode + 1;
    private const uint MaxCode = (1u << 12) - 1;
    private const int TableSize = 4 * (1 << 12);
    private const uint TableMask = TableSize - 1;

    /// <summary>Compresses <paramref name="input"/>; the result is byte for byte what Go's writer produces.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> input)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(16, input.Length / 2));
        var state = new BitWriter(output);
        var table = ArrayPool<uint>.Shared.Rent(TableSize);
        try
        {
            Array.Clear(table, 0, TableSize);
            var hi = EndCode;
            var overflow = 1u << (LiteralWidth + 1);
            state.Write(ClearCode);
            if (input.IsEmpty)
            {
                state.Write(EndCode);
                state.Finish();
                return output.WrittenSpan.ToArray();
            }

            uint code = input[0];
            for (var i = 1; i < input.Length; i++)
            {
                uint literal = input[i];
                var key = (code << 8) | literal;
                var hash = ((key >> 12) ^ key) & TableMask;
                var found = false;
                for (var h = hash; table[h] != 0; h = (h + 1) & TableMask)
                {
                    if (key == table[h] >> 12)
                    {
                        code = table[h] & MaxCode;
                        found = true;
                        break;
                    }
                }

                if (found)
                {
                    continue;
                }

                state.Write(code);
                code = literal;
                if (IncrementHi(ref state, ref hi, ref overflow, table))
                {
                    continue;
                }

                while (table[hash] != 0)
                {
                    hash = (hash + 1) & TableMask;
                }

                table[hash] = (key << 12) | hi;
            }

            state.Write(code);
            IncrementHi(ref state, ref hi, ref overflow, table);
            state.Write(EndCode);
            state.Finish();
            return output.WrittenSpan.ToArray();
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(table);
        }
    }

    /// <summary>Advances the next code; widens codes at the width's limit; at 4095 sends a clear code and starts over (returns true).</summary>
    private static bool IncrementHi(ref BitWriter state, ref uint hi, ref uint overflow, uint[] table)
    {
        hi++;
        if (hi == overflow)
        {
            state.Width++;
            overflow <<= 1;
        }

        if (hi != MaxCode)
        {
            return false;
        }

        state.Write(ClearCode);
        state.Width = LiteralWidth + 1;
        hi = EndCode;
        overflow = ClearCode << 1;
        Array.Clear(table, 0, TableSize);
        return true;
    }

    private struct BitWriter(ArrayBufferWriter<byte> output)
    {
        private uint bits;
        private int count;

        public int Width { get; set; } = LiteralWidth + 1;

        public void Write(uint code)
        {
            bits |= code << count;
            count += Width;
            while (count >= 8)
            {
                output.GetSpan(1)[0] = (byte)bits;
                output.Advance(1);
                bits >>= 8;
                count -= 8;
            }
        }

        public readonly void Finish()
        {
            if (count > 0)
            {
                output.GetSpan(1)[0] = (byte)bits;
                output.Advance(1);
            }
        }
    }
}
