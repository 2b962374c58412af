using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using CsCheck;

namespace BareLb.Core.Tests.Allocation;

/// <summary>Random sequences of assign, release, restore and reconfigure; the invariants hold after every step.</summary>
public sealed class AllocatorPropertyTests
{
    private static readonly PoolConfiguration[] Configs =
    [
        PoolConfiguration.Create([
            new AddressPoolSpec { Name = "a", Addresses = ["198.18.0.0/30", "2001:db8::/126"] },
            new AddressPoolSpec { Name = "b", Addresses = ["198.18.1.254-198.18.2.1"], AvoidBuggyIPs = true },
            new AddressPoolSpec { Name = "team", Addresses = ["198.18.3.0/31"], ServiceAllocation = new() { Priority = 0, Namespaces = ["team"] } },
        ]),
        PoolConfiguration.Create([
            new AddressPoolSpec { Name = "a", Addresses = ["198.18.0.0/31", "2001:db8::/127"] },
            new AddressPoolSpec { Name = "c", Addresses = ["198.18.0.2-198.18.0.5"], AutoAssign = false },
        ]),
        PoolConfiguration.Create([
            new AddressPoolSpec { Name = "big", Addresses = ["198.18.0.0/23", "2001:db8::/120"] },
        ]),
    ];

    private static readonly IPAddr[] Interesting = [.. new[]
    {
        "198.18.0.0", "198.18.0.1", "198.18.0.3", "198.18.0.4", "198.18.1.255", "198.18.2.0", "198.18.2.1", "198.18.3.1", "2001:db8::", "2001:db8::2", "198.18.9.9",
    }.Select(IPAddr.Parse)];

    private sealed record Op(int Kind, int Service, int Key, int Port, int Address, int Policy, int Config);

    private static readonly Gen<Op> OpGen = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 11], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[-3, Interesting.Length - 1], Gen.Int[0, 3], Gen.Int[0, Configs.Length - 1])
        .Select((kind, service, key, port, address, policy, config) => new Op(kind, service, key, port, address, policy, config));

    private static ServiceRequest RequestFor(Op op) => new()
    {
        Key = new ServiceKey(op.Service % 4 == 0 ? "team" : "ns", $"svc{op.Service}"),
        SharingKey = op.Key == 0 ? null : $"key{op.Key}",
        Ports = [new ServicePort(TransportProtocol.Tcp, 80 + op.Port)],
        BackendKey = op.Service % 5 == 0 ? "app=x" : null,
        RequestedAddresses = op.Address >= 0 ? [Interesting[op.Address]] : [],
        FamilyPolicy = op.Policy switch { 1 => IPFamilyPolicy.PreferDualStack, 2 => IPFamilyPolicy.RequireDualStack, _ => IPFamilyPolicy.SingleStack },
        Families = op.Policy switch { 0 => [IPFamily.IPv4], 3 => [IPFamily.IPv6], _ => [IPFamily.IPv4, IPFamily.IPv6] },
        Pool = op.Service == 7 ? "c" : null,
    };

    [Fact]
    public void RandomOperations_KeepEveryInvariant()
    {
        OpGen.Array[1, 60].Sample(ops =>
        {
            var allocator = new AddressAllocator(Configs[0]);
            foreach (var op in ops)
            {
                var request = RequestFor(op);
                switch (op.Kind)
                {
                    case <= 4:
                        var result = allocator.Assign(request);
                        Assert.Equal(result.Succeeded, allocator.GetAssignment(request.Key) is not null);
                        break;
                    case 5 or 6:
                        allocator.Release(request.Key);
                        Assert.Null(allocator.GetAssignment(request.Key));
                        break;
                    case 7:
                        CheckRestoreIsIdempotent(allocator, request);
                        break;
                    default:
                        var before = allocator.Assignments.ToDictionary(a => a.Service, a => a.ToArray());
                        var impact = allocator.Reconfigure(Configs[op.Config]);
                        foreach (var (service, addresses) in before)
                        {
                            var lost = impact.Lost.Any(l => l.Service == service);
                            var now = allocator.GetAssignment(service);
                            Assert.Equal(lost, now is null);
                            if (now is not null)
                            {
                                Assert.Equal(addresses, now.ToArray());
                            }
                        }

                        foreach (var key in impact.MayNowSucceed)
                        {
                            Assert.Contains(key, allocator.PendingServices);
                        }

                        break;
                }

                CheckInvariants(allocator);
            }
        }, iter: 2_000);
    }

    private static void CheckRestoreIsIdempotent(AddressAllocator allocator, ServiceRequest request)
    {
        if (allocator.GetAssignment(request.Key) is not { } existing)
        {
            return;
        }

        var addresses = existing.ToArray();
        var result = allocator.Restore(existing.Request, addresses);
        Assert.True(result.Succeeded);
        Assert.False(result.Changed);
        Assert.Same(existing, allocator.GetAssignment(request.Key));
    }

    private static void CheckInvariants(AddressAllocator allocator)
    {
        var config = allocator.Configuration;
        var holders = new Dictionary<IPAddr, List<Assignment>>();
        foreach (var assignment in allocator.Assignments)
        {
            var pool = config.Find(assignment.Pool);
            Assert.NotNull(pool);
            Assert.True(pool.Allows(assignment.Service.Namespace, assignment.Request.NamespaceLabels, assignment.Request.ServiceLabels, out _));
            Assert.DoesNotContain(assignment.Service, allocator.PendingServices);
            if (assignment.Request.Pool is { } pinned)
            {
                Assert.Equal(pinned, assignment.Pool);
            }

            foreach (var address in assignment)
            {
                Assert.True(pool.Offers(address), $"{address} is not offered by {pool.Name}");
                if (!holders.TryGetValue(address, out var list))
                {
                    holders[address] = list = [];
                }

                list.Add(assignment);
            }
        }

        foreach (var (address, list) in holders)
        {
            Assert.Equal(list.Select(a => a.Service).Order(), allocator.HoldersOf(address).Order());
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    var (a, b) = (list[i].Request, list[j].Request);
                    Assert.NotNull(a.SharingKey);
                    Assert.Equal(a.SharingKey, b.SharingKey);
                    Assert.Equal(a.BackendKey, b.BackendKey);
                    Assert.Empty(a.Ports.Intersect(b.Ports));
                }
            }
        }

        foreach (var stats in allocator.GetStatistics())
        {
            var inUse = holders.Keys.Count(a => a.Family == stats.Family && config.PoolContaining(a)?.Name == stats.Pool);
            Assert.Equal((UInt128)inUse, stats.InUse);
            Assert.Equal(stats.Total - stats.InUse, stats.Available);
        }
    }
}
