using BareLb.Core.Addresses;
using BareLb.Core.Pools;
using BareLb.Core.Selectors;
using static BareLb.Core.Tests.TestPools;

namespace BareLb.Core.Tests.Pools;

public sealed class PoolConfigurationTests
{
    private static IReadOnlyList<ConfigurationError> Errors(params AddressPoolSpec[] specs)
    {
        Assert.False(PoolConfiguration.TryCreate(specs, out var config, out var errors));
        Assert.Null(config);
        return errors;
    }

    [Fact]
    public void OverlappingPools_AreEachToldTheOtherPoolAndTheSharedAddresses()
    {
        var errors = Errors(Pool("a", "198.18.0.0/24"), Pool("b", "198.18.0.200-198.18.1.10"));
        Assert.Equal(2, errors.Count);
        var onB = Assert.Single(errors, e => e.ObjectName == "b");
        Assert.Equal("addresses[0]", onB.Field);
        Assert.Contains("pool b overlaps pool a", onB.Message, StringComparison.Ordinal);
        Assert.Contains("198.18.0.200-198.18.0.255 is in both", onB.Message, StringComparison.Ordinal);
        var onA = Assert.Single(errors, e => e.ObjectName == "a");
        Assert.Contains("pool a overlaps pool b", onA.Message, StringComparison.Ordinal);
        Assert.Contains("198.18.0.200-198.18.0.255 is in both", onA.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlapWithinOnePool_IsReportedAgainstItsOwnEntry()
    {
        var error = Assert.Single(Errors(Pool("a", "198.18.0.0/24", "198.18.0.7/32")));
        Assert.Contains("overlaps its own addresses[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IPv4AndIPv6_DoNotOverlapEachOther()
    {
        Assert.True(PoolConfiguration.TryCreate([Pool("a", "0.0.0.0/0"), Pool("b", "2001:db8::/32")], out _, out _));
    }

    [Fact]
    public void EveryProblem_IsReportedWithObjectAndField()
    {
        var legacy = new ConfigurationSource("ConfigMap", "metallb-system/config", "address-pools[1]");
        var errors = Errors(
            Pool("default", "198.18.35.100-198.18.35.110"),
            new AddressPoolSpec { Name = "default", Addresses = ["198.18.35.110-198.18.35.100"], Source = legacy },
            Pool("Bad_Name"),
            new AddressPoolSpec
            {
                Name = "restricted",
                Addresses = ["2001:db8::/64"],
                ServiceAllocation = new ServiceAllocationSpec
                {
                    Priority = -1,
                    Namespaces = ["Not-A-Namespace"],
                    ServiceSelectors = [new LabelSelector(matchExpressions: [new LabelSelectorRequirement("app", SelectorOperator.In, [])])],
                },
            });

        Assert.Contains(errors, e => e.ToString() == "ConfigMap metallb-system/config: address-pools[1].name: the pool name default is used twice (also by AddressPool default): rename one");
        Assert.Contains(errors, e => e.Field == "address-pools[1].addresses[0]" && e.Message.Contains("inverted", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.ObjectName == "Bad_Name" && e.Field == "name"); // names are free text in MetalLB
        Assert.Contains(errors, e => e.ObjectName == "Bad_Name" && e.Field == "addresses");
        Assert.Contains(errors, e => e.Field == "serviceAllocation.priority");
        Assert.Contains(errors, e => e.Field == "serviceAllocation.namespaces[0]");
        Assert.Contains(errors, e => e.Field == "serviceAllocation.serviceSelectors[0].matchExpressions[0].values");
    }

    [Fact]
    public void WholeIPv6Space_IsRefused()
    {
        Assert.Contains("whole IPv6 address space", Assert.Single(Errors(Pool("all", "::/0"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pools_AreOrderedByPriorityThenName_WithUnprioritisedLast()
    {
        var config = Config(
            Pool("zeta", "198.18.0.0/24"),
            new AddressPoolSpec { Name = "low", Addresses = ["198.18.1.0/24"], ServiceAllocation = new() { Priority = 20 } },
            new AddressPoolSpec { Name = "high-b", Addresses = ["198.18.2.0/24"], ServiceAllocation = new() { Priority = 1 } },
            new AddressPoolSpec { Name = "high-a", Addresses = ["198.18.3.0/24"], ServiceAllocation = new() { Priority = 1 } },
            Pool("alpha", "198.18.4.0/24"));
        Assert.Equal(["high-a", "high-b", "low", "alpha", "zeta"], config.Pools.Select(p => p.Name));
    }

    [Fact]
    public void PoolContaining_FindsTheOwnerByBinarySearch()
    {
        var config = Config(Pool("a", "198.18.0.0/24", "2001:db8::/64"), Pool("b", "198.18.1.5/32", "198.18.2.0-198.18.2.9"));
        Assert.Equal("a", config.PoolContaining(IPAddr.Parse("198.18.0.255"))?.Name);
        Assert.Equal("b", config.PoolContaining(IPAddr.Parse("198.18.1.5"))?.Name);
        Assert.Null(config.PoolContaining(IPAddr.Parse("198.18.1.6")));
        Assert.Equal("a", config.PoolContaining(IPAddr.Parse("2001:db8::ffff:ffff"))?.Name);
        Assert.Null(config.PoolContaining(IPAddr.Parse("2001:db9::")));
    }

    [Theory]
    [InlineData("198.18.0.0/24", 2)]
    [InlineData("198.18.0.0/23", 4)]
    [InlineData("198.18.0.1-198.18.0.254", 0)]
    [InlineData("198.18.0.255-198.18.1.0", 2)]
    [InlineData("0.0.0.0/0", 33554432)]
    public void BuggyAddresses_AreCountedByArithmetic(string range, long expected)
    {
        Assert.Equal((UInt128)expected, BuggyAddresses.CountIn(IPRange.Parse(range)));
    }
}
