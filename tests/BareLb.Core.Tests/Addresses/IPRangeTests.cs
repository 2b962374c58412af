using BareLb.Core.Addresses;

namespace BareLb.Core.Tests.Addresses;

public sealed class IPRangeTests
{
    [Theory]
    [InlineData("192.168.35.100-192.168.35.110", "192.168.35.100", "192.168.35.110", 11)]
    [InlineData("192.168.35.100 - 192.168.35.110", "192.168.35.100", "192.168.35.110", 11)]
    [InlineData("198.18.0.0/15", "198.18.0.0", "198.19.255.255", 131072)]
    [InlineData("198.18.35.7/24", "198.18.35.0", "198.18.35.255", 256)]
    [InlineData("198.18.35.7/32", "198.18.35.7", "198.18.35.7", 1)]
    [InlineData("198.18.35.7", "198.18.35.7", "198.18.35.7", 1)]
    [InlineData("2001:db8::/126", "2001:db8::", "2001:db8::3", 4)]
    [InlineData("2001:db8::1-2001:db8::ff", "2001:db8::1", "2001:db8::ff", 255)]
    public void Parse_AcceptsMetalLBForms(string text, string first, string last, ulong count)
    {
        var range = IPRange.Parse(text);
        Assert.Equal(first, range.First.ToString());
        Assert.Equal(last, range.Last.ToString());
        Assert.Equal((UInt128)count, range.Count);
    }

    [Fact]
    public void Count_OfAnIPv6Slash64_IsExact()
    {
        Assert.Equal(UInt128.One << 64, IPRange.Parse("2001:db8::/64").Count);
        Assert.Equal(UInt128.One << 96, IPRange.Parse("2001:db8::/32").Count);
    }

    [Theory]
    [InlineData("198.18.35.110-198.18.35.100", "the range is inverted: 198.18.35.110 comes after 198.18.35.100")]
    [InlineData("198.18.35.1-2001:db8::1", "the range mixes IPv4 and IPv6")]
    [InlineData("198.18.35.0/33", "'33' at position 13: the prefix length of an IPv4 address is 0 to 32")]
    [InlineData("198.18.35.0/", "the prefix length is missing")]
    [InlineData("198.18.35.1-198.18.35.300", "'300' at position 23: an IPv4 part is at most 255")]
    [InlineData("banana", "'b' at position 1: expected a decimal digit")]
    [InlineData("  ", "the text is empty")]
    public void Parse_BadText_SaysWhy(string text, string expected)
    {
        Assert.False(IPRange.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlaps_AndIntersect_AgreeOnEdges()
    {
        var a = IPRange.Parse("198.18.0.10-198.18.0.20");
        var b = IPRange.Parse("198.18.0.20-198.18.0.30");
        var c = IPRange.Parse("198.18.0.21-198.18.0.30");
        Assert.True(a.TryIntersect(b, out var shared));
        Assert.Equal("198.18.0.20", shared.ToString());
        Assert.False(a.Overlaps(c));
        Assert.False(a.Overlaps(IPRange.Parse("2001:db8::/64")));
    }

    [Fact]
    public void Prefix_ParsesAndMasks()
    {
        var prefix = IPPrefix.Parse("2001:db8::1/64");
        Assert.Equal("2001:db8::/64", prefix.ToString());
        Assert.True(prefix.Contains(IPAddr.Parse("2001:db8::ffff")));
        Assert.False(prefix.Contains(IPAddr.Parse("2001:db8:0:1::")));
        Assert.Equal("0.0.0.0/0", IPPrefix.Parse("1.2.3.4/0").ToString());
    }
}
