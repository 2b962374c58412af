using BareLb.Core.Addresses;
using BareLb.Kube.Configuration;

namespace BareLb.Kube.Tests.Configuration;

public sealed class AggregationTests
{
    [Theory]
    [InlineData("198.18.0.0/24", 24)]
    [InlineData("198.18.0.0-198.18.0.255", 24)]
    [InlineData("198.18.0.0-198.18.1.0", 32)]
    [InlineData("198.18.0.2-198.18.0.3", 31)]
    [InlineData("198.18.0.1", 32)]
    [InlineData("0.0.0.0/0", 0)]
    [InlineData("2001:db8::/120", 120)]
    [InlineData("::/0", 0)]
    [InlineData("2001:db8::1-2001:db8::2", 128)]
    public void TheMostSpecificBlock_OfARangeSplitIntoCidrs(string range, int length)
    {
        Assert.Equal(length, AggregationCheck.MostSpecificBlock(IPRange.Parse(range)).Length);
    }

    [Fact]
    public void AnAggregationShorterThanAPoolsCidr_IsAnError_AtTheLegacyField()
    {
        var yaml = Samples.EveryLegacyField.Replace("aggregation-length: 24", "aggregation-length: 23", StringComparison.Ordinal)
            .Replace("198.18.2.0-198.18.2.255", "198.18.2.0-198.18.2.254", StringComparison.Ordinal);

        var problem = Checking.Check(yaml).Single();

        Assert.Equal("address-pools[1].bgp-advertisements[0].aggregation-length", problem.Field);
        Assert.Contains("aggregationLength 23 is shorter than /25 (198.18.2.0/25, the widest CIDR of 198.18.2.0-198.18.2.254 in pool bgp-pool)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAggregationShorterThanAPoolsCidr_IsAnError_OnTheBgpAdvertisement()
    {
        var yaml = Samples.EveryCrdKind.Replace("aggregationLength: 24", "aggregationLength: 23", StringComparison.Ordinal)
            .Replace("addresses: [198.18.1.0/24]", "addresses: [198.18.1.0/25]", StringComparison.Ordinal);

        var problem = Checking.Check(yaml).Single();

        Assert.Equal(("BGPAdvertisement", "bgp", "spec.aggregationLength"), (problem.Kind, problem.ObjectName, problem.Field));
    }
}
