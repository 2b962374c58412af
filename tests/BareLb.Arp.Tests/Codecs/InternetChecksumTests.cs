using BareLb.Arp.Codecs;
using CsCheck;

namespace BareLb.Arp.Tests.Codecs;

public sealed class InternetChecksumTests
{
    [Fact]
    public void TheChecksumOfPiecesEqualsThe16BitReferenceOnTheWhole()
    {
        Gen.Select(Gen.Byte.Array[0, 200], Gen.Int[0, 100]).Sample(
            (data, cut) =>
            {
                var split = Math.Min(cut * 2, data.Length & ~1); // pieces start at even offsets
                var sum = InternetChecksum.Add(0, data.AsSpan(0, split));
                sum = InternetChecksum.Add(sum, data.AsSpan(split));
                Assert.Equal(Reference(data), InternetChecksum.Finish(sum));
            },
            iter: 50_000);
    }

    [Fact]
    public void LongAllOnesMessagesFoldTheirCarriesAround()
    {
        var data = new byte[65536];
        Array.Fill(data, (byte)0xFF);
        data[65535] = 0xFE;
        Assert.Equal(Reference(data), InternetChecksum.Finish(InternetChecksum.Add(0, data)));
    }

    /// <summary>RFC 1071 word by word, big-endian, folded as it goes; returned in host order.</summary>
    private static ushort Reference(byte[] data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 2)
        {
            sum += (uint)(data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0u);
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
