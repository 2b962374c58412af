using System.Net;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Tests;

public sealed class LabOptionsTests
{
    [Fact]
    public void DefaultsAreValid() => new LabOptions().Validate();

    [Theory]
    [InlineData("10.0.0.0/24", "2001:db8:35::/64", "Ipv4Subnet 10.0.0.0/24 must lie within 198.18.0.0/15")]
    [InlineData("198.20.0.0/24", "2001:db8:35::/64", "Ipv4Subnet 198.20.0.0/24 must lie within")]
    [InlineData("198.18.0.0/14", "2001:db8:35::/64", "Ipv4Subnet")]
    [InlineData("198.18.35.0/28", "2001:db8:35::/64", "too small")]
    [InlineData("198.18.35.0/24", "2001:db9::/64", "Ipv6Subnet 2001:db9::/64 must lie within 2001:db8::/32")]
    [InlineData("198.18.35.0/24", "198.18.36.0/24", "is not an IPv6 subnet")]
    public void SubnetsOutsideTheTestRangesAreRefused(string ipv4, string ipv6, string reason)
    {
        var options = new LabOptions { Ipv4Subnet = IPNetwork.Parse(ipv4), Ipv6Subnet = IPNetwork.Parse(ipv6) };
        var error = Assert.Throws<LabException>(options.Validate);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Prefix")]
    [InlineData("Bad", "Prefix")]
    [InlineData("a-b", "Prefix")]
    [InlineData("toolongprefix", "Prefix")]
    public void BadPrefixesAreRefused(string prefix, string field)
        => Assert.Contains(field, Assert.Throws<LabException>(new LabOptions { Prefix = prefix }.Validate).Message, StringComparison.Ordinal);

    [Fact]
    public void NodesAndServiceAddressesAreChecked()
    {
        Assert.Contains("Nodes 0", Assert.Throws<LabException>(new LabOptions { Nodes = 0 }.Validate).Message, StringComparison.Ordinal);
        var outside = new LabOptions { KubeIpvsAddresses = [IPAddress.Parse("198.18.36.1")] };
        Assert.Contains("outside the lab's subnet", Assert.Throws<LabException>(outside.Validate).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostsAreNumberedInTheSubnets()
    {
        var options = new LabOptions();
        Assert.Equal(IPAddress.Parse("198.18.35.11"), LabAddressing.Host(options.Ipv4Subnet, LabAddressing.NodeHost(0)));
        Assert.Equal(IPAddress.Parse("2001:db8:35::b"), LabAddressing.Host(options.Ipv6Subnet, LabAddressing.NodeHost(0)));
        Assert.Equal(IPAddress.Parse("198.18.35.100"), LabAddressing.Service(options.Ipv4Subnet, 0));
        Assert.Equal(IPAddress.Parse("198.18.1.44"), LabAddressing.Host(IPNetwork.Parse("198.18.0.0/16"), 300));
        Assert.Throws<LabException>(() => LabAddressing.Host(IPNetwork.Parse("198.18.35.0/25"), 200));
    }
}
