using BareLb.Membership.Codec.Lzw;
using BareLb.Membership.Tests.Support;
using CsCheck;

namespace BareLb.Membership.Tests.Codec;

public sealed class LzwTests
{
    [Theory]
    [InlineData("lzw-empty", "")]
    [InlineData("lzw-abc", "abc")]
    public void EncodeSmallInputsMatchesGo(string name, string input)
        => Assert.Equal(Convert.ToHexStringLower(GoVectors.Get(name)), Convert.ToHexStringLower(LzwEncoder.Encode(System.Text.Encoding.ASCII.GetBytes(input))));

    [Fact]
    public void EncodeRepetitiveInputMatchesGo()
    {
        var input = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcabcabcd", 100)));
        Assert.Equal(Convert.ToHexStringLower(GoVectors.Get("lzw-repeat")), Convert.ToHexStringLower(LzwEncoder.Encode(input)));
    }

    [Fact]
    public void EncodeInputThatExhaustsTheCodeTableMatchesGoAndDecodes()
    {
        var input = GoVectors.Get("lzw-big-input");
        var go = GoVectors.Get("lzw-big");
        Assert.Equal(Convert.ToHexStringLower(go), Convert.ToHexStringLower(LzwEncoder.Encode(input)));
        Assert.Equal(LzwDecoder.Result.Ok, LzwDecoder.Decode(go, 1 << 20, out var output));
        Assert.Equal(input, output);
    }

    [Fact]
    public void DecodeInvertsEncodeForAnyInput()
        => Gen.Byte[0, 3].Array[0, 20000].Select(a => a).Sample(input =>
        {
            Assert.Equal(LzwDecoder.Result.Ok, LzwDecoder.Decode(LzwEncoder.Encode(input), 1 << 20, out var output));
            Assert.Equal(input, output);
        }, iter: 300);

    [Fact]
    public void DecodeWithoutEndCodeIsTruncated()
    {
        var encoded = LzwEncoder.Encode("hello hello hello"u8);
        Assert.Equal(LzwDecoder.Result.Truncated, LzwDecoder.Decode(encoded.AsSpan(0, encoded.Length - 2), 1000, out _));
    }

    [Fact]
    public void DecodeBeyondTheLimitIsRefused()
    {
        var encoded = LzwEncoder.Encode(new byte[100000]);
        Assert.True(encoded.Length < 2000);
        Assert.Equal(LzwDecoder.Result.TooLarge, LzwDecoder.Decode(encoded, 50000, out _));
    }

    [Fact]
    public void DecodeCodeBeyondTheTableIsInvalid()
    {
        // clear (256), then 300, which no code has defined yet: 9-bit codes LSB first.
        var bits = 256u | (300u << 9);
        byte[] data = [(byte)bits, (byte)(bits >> 8), (byte)(bits >> 16)];
        Assert.Equal(LzwDecoder.Result.InvalidCode, LzwDecoder.Decode(data, 1000, out _));
    }
}
