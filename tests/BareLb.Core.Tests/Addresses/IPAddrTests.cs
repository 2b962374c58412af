using BareLb.Core.Addresses;
using CsCheck;

namespace BareLb.Core.Tests.Addresses;

public sealed class IPAddrTests
{
    [Theory]
    [InlineData("192.168.35.100", "192.168.35.100")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("1::", "1::")]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]
    [InlineData("2001:0db8:0000:0001:0000:0000:0000:0001", "2001:db8:0:1::1")]
    [InlineData("2001:db8:1:1:1:1:1:0", "2001:db8:1:1:1:1:1:0")]
    [InlineData("::ffff:198.18.0.1", "::ffff:198.18.0.1")]
    [InlineData("64:ff9b::198.18.0.1", "64:ff9b::c612:1")]
    public void Parse_ValidText_FormatsCanonically(string text, string expected)
    {
        Assert.Equal(expected, IPAddr.Parse(text).ToString());
    }

    [Theory]
    [InlineData("", "the text is empty")]
    [InlineData("192.168.35", "an IPv4 address has 4 parts")]
    [InlineData("192.168.35.256", "'256' at position 12: an IPv4 part is at most 255")]
    [InlineData("192.168.035.1", "'035' at position 9: an IPv4 part may not have a leading zero")]
    [InlineData("192.168.35.1x", "'x' at position 13: unexpected text after the address")]
    [InlineData("192.168.3a.1", "'a' at position 10: expected '.'")]
    [InlineData("1.2.3.4.5", "'.5' at position 8: unexpected text after the address")]
    [InlineData("2001:db8::1::2", "'::' at position 12: '::' may appear only once")]
    [InlineData("2001:db8:1:2:3:4:5:6:7", "an IPv6 address has at most 8 groups")]
    [InlineData("2001:db8:1", "an IPv6 address has 8 groups")]
    [InlineData("fe80::1%eth0", "'%eth0' at position 8: zones are not allowed")]
    [InlineData("2001:db8::12345", "'12345' at position 11: an IPv6 group has at most 4 hex digits")]
    [InlineData(":1::", "an IPv6 address may not start with a single ':'")]
    [InlineData("1:2:3:4:5:6:7::8", "'::' must stand for at least one group")]
    [InlineData("::ffff:198.18.0.256", "'256' at position 17: an IPv4 part is at most 255")]
    public void Parse_InvalidText_NamesTheWrongCharacters(string text, string expected)
    {
        Assert.False(IPAddr.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => IPAddr.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"'{text}' is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoundTrip_ThroughBytesAndIPAddress_IsExact()
    {
        Gen.Select(Gen.Bool, Gen.UInt, Gen.ULong, Gen.ULong).Sample((v6, v4, hi, lo) =>
        {
            var address = v6 ? IPAddr.FromIPv6(new UInt128(hi, lo)) : IPAddr.FromIPv4(v4);
            Span<byte> bytes = stackalloc byte[16];
            var n = address.WriteBytes(bytes);
            Assert.Equal(address, IPAddr.FromBytes(bytes[..n]));
            if (!(v6 && hi == 0 && lo >> 32 == 0xFFFF))
            {
                Assert.Equal(address, IPAddr.FromIPAddress(address.ToIPAddress()));
            }

            Assert.Equal(address, IPAddr.Parse(address.ToString()));
        }, iter: 20_000);
    }

    [Fact]
    public void Ordering_PutsIPv4BeforeIPv6_ThenByValue()
    {
        var sorted = new[] { IPAddr.Parse("2001:db8::1"), IPAddr.Parse("198.18.0.2"), IPAddr.Parse("::"), IPAddr.Parse("198.18.0.1") }.Order();
        Assert.Equal(["198.18.0.1", "198.18.0.2", "::", "2001:db8::1"], sorted.Select(a => a.ToString()));
    }

    [Fact]
    public void TryAdd_StopsAtTheEndOfTheFamily()
    {
        Assert.True(IPAddr.Parse("198.18.0.255").TryAdd(1, out var next));
        Assert.Equal("198.18.1.0", next.ToString());
        Assert.False(IPAddr.Parse("255.255.255.255").TryNext(out _));
        Assert.False(IPAddr.Parse("0.0.0.0").TryPrevious(out _));
        Assert.True(IPAddr.Parse("2001:db8::ffff:ffff:ffff:ffff").TryNext(out var v6));
        Assert.Equal("2001:db8:0:1::", v6.ToString());
    }
}
