using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using BareLb.Core.Selectors;
using static BareLb.Core.Tests.TestPools;

namespace BareLb.Core.Tests.Allocation;

public sealed class AllocatorTests
{
    private static ServiceRequest Requesting(string ns, string name, params string[] addresses) =>
        new() { Key = new ServiceKey(ns, name), RequestedAddresses = [.. addresses.Select(IPAddr.Parse)] };

    private static string Addr(AllocationResult result) =>
        result.Assignment is { } assignment ? string.Join(",", assignment) : throw new Xunit.Sdk.XunitException($"expected an assignment, got {result.Failure}");

    [Fact]
    public void TheGuide_FourRequestedAddresses_ThenTheNextFreeOne()
    {
        var allocator = new AddressAllocator(Tutorial());
        Assert.Equal("198.18.35.100", Addr(allocator.Assign(Requesting("istio-system", "istio-ingressgateway", "198.18.35.100"))));
        Assert.Equal("198.18.35.101", Addr(allocator.Assign(Requesting("kubeflow", "minio-service", "198.18.35.101"))));
        Assert.Equal("198.18.35.102", Addr(allocator.Assign(Requesting("mlflow-system", "mlflow-server-service", "198.18.35.102"))));
        Assert.Equal("198.18.35.103", Addr(allocator.Assign(Requesting("seldon-system", "seldon-core-analytics-grafana", "198.18.35.103"))));
        var next = allocator.Assign(Service("default", "another"));
        Assert.Equal("198.18.35.104", Addr(next));
        Assert.Equal("default", next.Assignment!.Pool);
    }

    [Fact]
    public void WithoutRequests_AddressesAreHandedOutInOrder_AndAReleasedOneIsReusedFirst()
    {
        var allocator = new AddressAllocator(Tutorial());
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal($"198.18.35.{100 + i}", Addr(allocator.Assign(Service("ns", $"svc{i}"))));
        }

        var full = allocator.Assign(Service("ns", "one-too-many"));
        Assert.Equal(AllocationFailureReason.NoFreeAddress, full.Failure!.Reason);
        Assert.Equal("no free IPv4 address in pool default", full.Failure.Message);
        Assert.Contains(new ServiceKey("ns", "one-too-many"), allocator.PendingServices);

        Assert.True(allocator.Release(new ServiceKey("ns", "svc3")));
        Assert.Equal("198.18.35.103", Addr(allocator.Assign(Service("ns", "one-too-many"))));
        Assert.Empty(allocator.PendingServices);
    }

    [Fact]
    public void AssignAgain_WithTheSameRequest_KeepsTheAddress()
    {
        var allocator = new AddressAllocator(Tutorial());
        var request = Service("ns", "svc");
        var first = allocator.Assign(request);
        var again = allocator.Assign(request);
        Assert.True(first.Changed);
        Assert.False(again.Changed);
        Assert.Same(first.Assignment, again.Assignment);
    }

    [Fact]
    public void ChangingTheRequestedAddress_MovesTheService()
    {
        var allocator = new AddressAllocator(Tutorial());
        allocator.Assign(Requesting("ns", "svc", "198.18.35.105"));
        var moved = allocator.Assign(Requesting("ns", "svc", "198.18.35.106"));
        Assert.True(moved.Changed);
        Assert.Equal("198.18.35.106", Addr(moved));
        Assert.Empty(allocator.HoldersOf(IPAddr.Parse("198.18.35.105")));
    }

    [Fact]
    public void RequestedAddress_OutsideEveryPool_IsRefused()
    {
        var result = new AddressAllocator(Tutorial()).Assign(Requesting("ns", "svc", "198.18.36.1"));
        Assert.Equal(AllocationFailureReason.RequestedAddressNotInAnyPool, result.Failure!.Reason);
        Assert.Equal("198.18.36.1 is not in any address pool", result.Failure.Message);
    }

    [Fact]
    public void RequestedAddress_HeldByAnother_NamesTheHolder()
    {
        var allocator = new AddressAllocator(Tutorial());
        allocator.Assign(Requesting("kubeflow", "minio-service", "198.18.35.101"));
        var result = allocator.Assign(Requesting("default", "thief", "198.18.35.101"));
        Assert.Equal(AllocationFailureReason.AddressInUse, result.Failure!.Reason);
        Assert.Equal(new ServiceKey("kubeflow", "minio-service"), result.Failure.ConflictingService);
        Assert.StartsWith("198.18.35.101 is in use by kubeflow/minio-service", result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PinnedPool_IsUsedEvenWithoutAutoAssign_AndChecked()
    {
        var config = Config(Pool("default", "198.18.0.0/24"), new AddressPoolSpec { Name = "reserved", Addresses = ["198.18.9.0/24"], AutoAssign = false });
        var allocator = new AddressAllocator(config);
        Assert.Equal("198.18.0.0", Addr(allocator.Assign(Service("ns", "auto"))));
        Assert.Equal("198.18.9.0", Addr(allocator.Assign(new ServiceRequest { Key = new("ns", "pinned"), Pool = "reserved" })));

        var missing = allocator.Assign(new ServiceRequest { Key = new("ns", "missing"), Pool = "nope" });
        Assert.Equal(AllocationFailureReason.PinnedPoolNotFound, missing.Failure!.Reason);

        var outside = allocator.Assign(new ServiceRequest { Key = new("ns", "outside"), Pool = "reserved", RequestedAddresses = [IPAddr.Parse("198.18.0.9")] });
        Assert.Equal(AllocationFailureReason.RequestedAddressOutsidePinnedPool, outside.Failure!.Reason);
        Assert.Equal("198.18.0.9 is in pool default, not in pool reserved that the Service asks for", outside.Failure.Message);
    }

    [Fact]
    public void AutoAssignOff_IsSkipped_AndExplainedWhenNothingElseIsLeft()
    {
        var allocator = new AddressAllocator(Config(new AddressPoolSpec { Name = "manual", Addresses = ["198.18.0.0/24"], AutoAssign = false }));
        var result = allocator.Assign(Service("ns", "svc"));
        Assert.Equal(AllocationFailureReason.NoEligiblePool, result.Failure!.Reason);
        Assert.Contains("pool manual has auto-assign off", result.Failure.Message, StringComparison.Ordinal);
        Assert.Equal("198.18.0.7", Addr(allocator.Assign(Requesting("ns", "svc", "198.18.0.7"))));
    }

    [Fact]
    public void NoPools_SaysSo()
    {
        var result = new AddressAllocator(PoolConfiguration.Empty).Assign(Service("ns", "svc"));
        Assert.Equal(AllocationFailureReason.NoPoolsConfigured, result.Failure!.Reason);
    }

    [Fact]
    public void NamespaceAndServiceRestrictions_AreHonoured()
    {
        var config = Config(
            new AddressPoolSpec
            {
                Name = "team-a",
                Addresses = ["198.18.1.0/24"],
                ServiceAllocation = new() { Priority = 1, Namespaces = ["team-a"] },
            },
            new AddressPoolSpec
            {
                Name = "labelled",
                Addresses = ["198.18.2.0/24"],
                ServiceAllocation = new()
                {
                    Priority = 2,
                    NamespaceSelectors = [new LabelSelector(new Dictionary<string, string> { ["tier"] = "gold" })],
                    ServiceSelectors = [new LabelSelector(new Dictionary<string, string> { ["expose"] = "yes" })],
                },
            },
            Pool("shared", "198.18.3.0/24"));
        var allocator = new AddressAllocator(config);

        Assert.Equal("team-a", allocator.Assign(Service("team-a", "svc")).Assignment!.Pool);
        Assert.Equal("shared", allocator.Assign(Service("team-b", "svc")).Assignment!.Pool);
        var gold = new ServiceRequest
        {
            Key = new("team-c", "svc"),
            NamespaceLabels = new Dictionary<string, string> { ["tier"] = "gold" },
            ServiceLabels = new Dictionary<string, string> { ["expose"] = "yes" },
        };
        Assert.Equal("labelled", allocator.Assign(gold).Assignment!.Pool);
        var goldUnlabelled = new ServiceRequest { Key = new("team-c", "other"), NamespaceLabels = gold.NamespaceLabels };
        Assert.Equal("shared", allocator.Assign(goldUnlabelled).Assignment!.Pool);

        var refused = allocator.Assign(Requesting("team-b", "wants-a", "198.18.1.50"));
        Assert.Equal(AllocationFailureReason.PoolNotAllowed, refused.Failure!.Reason);
        Assert.Contains("team-b is not one of them", refused.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EqualPriorities_AreBrokenByName_NotByChance()
    {
        var specs = new[] { "c", "a", "b" }.Select(n => new AddressPoolSpec
        {
            Name = n,
            Addresses = [$"198.18.{n[0] - 'a'}.0/24"],
            ServiceAllocation = new() { Priority = 5 },
        });
        var allocator = new AddressAllocator(Config([.. specs]));
        Assert.Equal("a", allocator.Assign(Service("ns", "svc")).Assignment!.Pool);
    }

    [Fact]
    public void Sharing_SameKeyDifferentPorts_SharesTheAddress()
    {
        var allocator = new AddressAllocator(Tutorial());
        var dns = new ServiceRequest { Key = new("ns", "dns-tcp"), SharingKey = "dns", Ports = [Tcp(53)] };
        var dnsUdp = new ServiceRequest { Key = new("ns", "dns-udp"), SharingKey = "dns", Ports = [Udp(53)] };
        var a = allocator.Assign(dns);
        var b = allocator.Assign(dnsUdp);
        Assert.Equal(Addr(a), Addr(b));
        Assert.Equal(2, allocator.HoldersOf(a.Assignment![0]).Count);
        Assert.Equal((UInt128)1, allocator.GetStatistics("default", IPFamily.IPv4)!.Value.InUse);

        allocator.Release(dns.Key);
        Assert.Equal((UInt128)1, allocator.GetStatistics("default", IPFamily.IPv4)!.Value.InUse);
        allocator.Release(dnsUdp.Key);
        Assert.Equal((UInt128)0, allocator.GetStatistics("default", IPFamily.IPv4)!.Value.InUse);
    }

    [Fact]
    public void RetryRevision_MovesWhenAPendingServiceMaySucceed_AndOnlyThen()
    {
        var allocator = new AddressAllocator(Tutorial());
        var first = new ServiceRequest { Key = new("ns", "first"), SharingKey = "web", Ports = [Tcp(80)], RequestedAddresses = [IPAddr.Parse("198.18.35.105")] };
        var second = new ServiceRequest { Key = new("ns", "second"), SharingKey = "web", Ports = [Tcp(80)], RequestedAddresses = [IPAddr.Parse("198.18.35.105")] };
        allocator.Assign(first);
        Assert.False(allocator.Assign(second).Succeeded);
        var revision = allocator.RetryRevision;

        // The same request again, and another Service's allocation, change nothing a pending one waits for.
        allocator.Assign(new ServiceRequest { Key = new("ns", "first"), SharingKey = "web", Ports = [Tcp(80)], RequestedAddresses = [IPAddr.Parse("198.18.35.105")] });
        allocator.Assign(Service("ns", "third"));
        Assert.Equal(revision, allocator.RetryRevision);

        // The holder moves to another port: the waiting Service may now share the address.
        allocator.Assign(new ServiceRequest { Key = new("ns", "first"), SharingKey = "web", Ports = [Tcp(8080)], RequestedAddresses = [IPAddr.Parse("198.18.35.105")] });
        Assert.NotEqual(revision, allocator.RetryRevision);
        Assert.Equal("198.18.35.105", Addr(allocator.Assign(second)));

        revision = allocator.RetryRevision;
        allocator.Release(new ServiceKey("ns", "third"));
        Assert.NotEqual(revision, allocator.RetryRevision);
    }

    [Fact]
    public void Sharing_Refusals_AreTyped()
    {
        var allocator = new AddressAllocator(Tutorial());
        var address = IPAddr.Parse("198.18.35.100");
        allocator.Assign(new ServiceRequest { Key = new("ns", "web"), SharingKey = "k", Ports = [Tcp(80)], RequestedAddresses = [address] });

        var port = allocator.Assign(new ServiceRequest { Key = new("ns", "web2"), SharingKey = "k", Ports = [Tcp(443), Tcp(80)], RequestedAddresses = [address] });
        Assert.Equal(AllocationFailureReason.PortConflict, port.Failure!.Reason);
        Assert.Equal("port 80/TCP on 198.18.35.100 is in use by ns/web", port.Failure.Message);

        var key = allocator.Assign(new ServiceRequest { Key = new("ns", "other"), SharingKey = "x", Ports = [Tcp(81)], RequestedAddresses = [address] });
        Assert.Equal(AllocationFailureReason.SharingKeyMismatch, key.Failure!.Reason);

        var noKey = allocator.Assign(new ServiceRequest { Key = new("ns", "nokey"), Ports = [Tcp(82)], RequestedAddresses = [address] });
        Assert.Equal(AllocationFailureReason.AddressInUse, noKey.Failure!.Reason);

        var local = allocator.Assign(new ServiceRequest { Key = new("ns", "local"), SharingKey = "k", BackendKey = "app=web", Ports = [Tcp(83)], RequestedAddresses = [address] });
        Assert.Equal(AllocationFailureReason.BackendMismatch, local.Failure!.Reason);
    }

    [Fact]
    public void Sharing_LocalTrafficPolicy_NeedsIdenticalSelectors()
    {
        var allocator = new AddressAllocator(Tutorial());
        var a = allocator.Assign(new ServiceRequest { Key = new("ns", "a"), SharingKey = "k", BackendKey = "app=web", Ports = [Tcp(80)] });
        var b = allocator.Assign(new ServiceRequest { Key = new("ns", "b"), SharingKey = "k", BackendKey = "app=web", Ports = [Tcp(443)] });
        var c = allocator.Assign(new ServiceRequest { Key = new("ns", "c"), SharingKey = "k", BackendKey = "app=api", Ports = [Tcp(8080)] });
        Assert.Equal(Addr(a), Addr(b));
        Assert.NotEqual(Addr(a), Addr(c));
    }

    [Fact]
    public void RequireDualStack_TakesBothFamiliesFromOnePool()
    {
        var config = Config(Pool("v4only", "198.18.0.0/24"), Pool("zdual", "198.18.1.0/24", "2001:db8::/64"));
        var allocator = new AddressAllocator(config);
        var request = new ServiceRequest { Key = new("ns", "dual"), FamilyPolicy = IPFamilyPolicy.RequireDualStack, Families = [IPFamily.IPv6, IPFamily.IPv4] };
        var result = allocator.Assign(request);
        Assert.Equal("zdual", result.Assignment!.Pool);
        Assert.Equal("2001:db8::,198.18.1.0", Addr(result));
    }

    [Fact]
    public void RequireDualStack_WithoutADualPool_IsUnsatisfiable()
    {
        var allocator = new AddressAllocator(Config(Pool("v4", "198.18.0.0/24"), Pool("v6", "2001:db8::/64")));
        var result = allocator.Assign(new ServiceRequest { Key = new("ns", "dual"), FamilyPolicy = IPFamilyPolicy.RequireDualStack, Families = [IPFamily.IPv4, IPFamily.IPv6] });
        Assert.Equal(AllocationFailureReason.FamilyPolicyUnsatisfiable, result.Failure!.Reason);
    }

    [Fact]
    public void PreferDualStack_FallsBackToOneFamily()
    {
        var allocator = new AddressAllocator(Config(Pool("v4", "198.18.0.0/24")));
        var result = allocator.Assign(new ServiceRequest { Key = new("ns", "dual"), FamilyPolicy = IPFamilyPolicy.PreferDualStack, Families = [IPFamily.IPv4, IPFamily.IPv6] });
        Assert.Equal("198.18.0.0", Addr(result));
    }

    [Fact]
    public void SingleStackIPv6_GetsAnIPv6Address()
    {
        var allocator = new AddressAllocator(Config(Pool("dual", "198.18.0.0/24", "2001:db8::/64")));
        Assert.Equal("2001:db8::", Addr(allocator.Assign(new ServiceRequest { Key = new("ns", "v6"), Families = [IPFamily.IPv6] })));
    }

    [Theory]
    [InlineData(IPFamilyPolicy.SingleStack, new[] { "198.18.0.1", "2001:db8::1" }, "is SingleStack but requests two addresses")]
    [InlineData(IPFamilyPolicy.RequireDualStack, new[] { "198.18.0.1" }, "requires dual-stack but requests only 198.18.0.1")]
    [InlineData(IPFamilyPolicy.PreferDualStack, new[] { "198.18.0.1", "198.18.0.2" }, "requests two IPv4 addresses")]
    public void ContradictoryRequests_AreInvalid(IPFamilyPolicy policy, string[] addresses, string expected)
    {
        var allocator = new AddressAllocator(Config(Pool("dual", "198.18.0.0/24", "2001:db8::/64")));
        var result = allocator.Assign(new ServiceRequest
        {
            Key = new("ns", "svc"),
            FamilyPolicy = policy,
            Families = [IPFamily.IPv4, IPFamily.IPv6],
            RequestedAddresses = [.. addresses.Select(IPAddr.Parse)],
        });
        Assert.Equal(AllocationFailureReason.InvalidRequest, result.Failure!.Reason);
        Assert.Contains(expected, result.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestedIPv6_ForAnIPv4Service_IsAFamilyMismatch()
    {
        var allocator = new AddressAllocator(Config(Pool("dual", "198.18.0.0/24", "2001:db8::/64")));
        var result = allocator.Assign(new ServiceRequest { Key = new("ns", "svc"), Families = [IPFamily.IPv4], RequestedAddresses = [IPAddr.Parse("2001:db8::5")] });
        Assert.Equal("2001:db8::5 is an IPv6 address, but the Service's IP families are IPv4", result.Failure!.Message);
    }

    [Fact]
    public void AvoidBuggyIPs_SkipsDotZeroAndDot255_AndCountsExactly()
    {
        var config = Config(new AddressPoolSpec { Name = "p", Addresses = ["198.18.0.254-198.18.1.2"], AvoidBuggyIPs = true });
        var allocator = new AddressAllocator(config);
        Assert.Equal((UInt128)3, allocator.GetStatistics("p", IPFamily.IPv4)!.Value.Total);
        Assert.Equal("198.18.0.254", Addr(allocator.Assign(Service("ns", "a"))));
        Assert.Equal("198.18.1.1", Addr(allocator.Assign(Service("ns", "b"))));
        Assert.Equal("198.18.1.2", Addr(allocator.Assign(Service("ns", "c"))));
        Assert.Equal(AllocationFailureReason.NoFreeAddress, allocator.Assign(Service("ns", "d")).Failure!.Reason);
        Assert.Equal((UInt128)0, allocator.GetStatistics("p", IPFamily.IPv4)!.Value.Available);

        var avoided = allocator.Assign(Requesting("ns", "e", "198.18.0.255"));
        Assert.Equal(AllocationFailureReason.RequestedAddressAvoided, avoided.Failure!.Reason);
    }

    [Fact]
    public void Statistics_OfAnIPv6Slash64_AreExact()
    {
        var allocator = new AddressAllocator(Config(Pool("v6", "2001:db8::/64")));
        for (var i = 0; i < 3; i++)
        {
            allocator.Assign(new ServiceRequest { Key = new("ns", $"s{i}"), Families = [IPFamily.IPv6] });
        }

        var stats = allocator.GetStatistics("v6", IPFamily.IPv6)!.Value;
        Assert.Equal(UInt128.One << 64, stats.Total);
        Assert.Equal((UInt128)3, stats.InUse);
        Assert.Equal((UInt128.One << 64) - 3, stats.Available);
    }

    [Fact]
    public void Restore_KeepsExistingAddresses_BeforeNewAllocations()
    {
        var allocator = new AddressAllocator(Tutorial());
        var restored = allocator.Restore(Service("ns", "old"), [IPAddr.Parse("198.18.35.100")]);
        Assert.True(restored.Succeeded);
        Assert.False(restored.Changed);
        Assert.Equal("198.18.35.101", Addr(allocator.Assign(Service("ns", "new"))));

        var again = allocator.Restore(Service("ns", "old"), [IPAddr.Parse("198.18.35.100")]);
        Assert.Same(restored.Assignment, again.Assignment);
        Assert.Equal(2, allocator.AssignedCount);
    }

    [Fact]
    public void Restore_OfAnAddressNoLongerValid_ChangesNothing()
    {
        var allocator = new AddressAllocator(Tutorial());
        var result = allocator.Restore(Service("ns", "old"), [IPAddr.Parse("198.18.99.1")]);
        Assert.Equal(AllocationFailureReason.RequestedAddressNotInAnyPool, result.Failure!.Reason);
        Assert.Equal(0, allocator.AssignedCount);
        Assert.Empty(allocator.PendingServices);
    }

    [Fact]
    public void Restore_ThatConflicts_NeverStealsTheAddress()
    {
        var allocator = new AddressAllocator(Tutorial());
        allocator.Restore(Service("ns", "first"), [IPAddr.Parse("198.18.35.100")]);
        var second = allocator.Restore(Service("ns", "second"), [IPAddr.Parse("198.18.35.100")]);
        Assert.Equal(AllocationFailureReason.AddressInUse, second.Failure!.Reason);
        Assert.Equal([new ServiceKey("ns", "first")], allocator.HoldersOf(IPAddr.Parse("198.18.35.100")));
    }

    [Fact]
    public void Reconfigure_ReportsLostMovedAndNowSatisfiable()
    {
        var allocator = new AddressAllocator(Config(Pool("a", "198.18.0.0-198.18.0.1"), Pool("b", "198.18.1.0/24")));
        allocator.Assign(Requesting("ns", "keep", "198.18.0.0"));
        allocator.Assign(Requesting("ns", "lose", "198.18.0.1"));
        allocator.Assign(Requesting("ns", "move", "198.18.1.5"));
        allocator.Assign(Requesting("ns", "waiting", "198.18.2.1"));
        Assert.Contains(new ServiceKey("ns", "waiting"), allocator.PendingServices);

        var impact = allocator.Reconfigure(Config(Pool("a", "198.18.0.0/32"), Pool("renamed", "198.18.1.0/24", "198.18.2.0/24")));

        var (service, why) = Assert.Single(impact.Lost);
        Assert.Equal(new ServiceKey("ns", "lose"), service);
        Assert.Equal("198.18.0.1 is not in any address pool", why.Message);
        Assert.Equal([new ServiceKey("ns", "move")], impact.Moved);
        Assert.Equal([new ServiceKey("ns", "waiting")], impact.MayNowSucceed);
        Assert.Equal("renamed", allocator.GetAssignment(new("ns", "move"))!.Pool);
        Assert.Equal("a", allocator.GetAssignment(new("ns", "keep"))!.Pool);
        Assert.Null(allocator.GetAssignment(new("ns", "lose")));
        Assert.Contains(new ServiceKey("ns", "lose"), allocator.PendingServices);
    }

    [Fact]
    public void Memory_GrowsWithAddressesInUse_NotWithPoolSize()
    {
        var allocator = new AddressAllocator(Config(Pool("v6", "2001:db8::/64"), Pool("v4", "198.18.0.0/15")));
        for (var i = 0; i < 1000; i++)
        {
            allocator.Assign(new ServiceRequest { Key = new("ns", $"s{i}"), Families = [i % 2 == 0 ? IPFamily.IPv4 : IPFamily.IPv6] });
        }

        for (var i = 0; i < 1000; i += 3)
        {
            allocator.Release(new("ns", $"s{i}"));
        }

        Assert.InRange(allocator.IntervalCount, 2, 400);
    }
}
