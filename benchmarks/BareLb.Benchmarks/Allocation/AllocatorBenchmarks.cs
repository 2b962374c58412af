using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using BenchmarkDotNet.Attributes;

namespace BareLb.Benchmarks.Allocation;

/// <summary>
/// One more Service assigned (and released again, to keep the state steady) with N Services
/// already holding addresses from an IPv4 /15 or an IPv6 /64: BareLb's allocator against a naive
/// first-fit scan measured in the same run. Each operation is one assign plus one release.
/// </summary>
[MemoryDiagnoser]
public class AllocatorBenchmarks
{
    private AddressAllocator _allocator = null!;
    private NaiveFirstFitAllocator _naive = null!;
    private ServiceRequest _probe = null!;

    /// <summary>The pool: "v4" is 198.18.0.0/15, "v6" is 2001:db8::/64.</summary>
    [Params("v4", "v6")]
    public string Pool { get; set; } = "v4";

    /// <summary>Services already assigned.</summary>
    [Params(50_000, 100_000)]
    public int Assigned { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var range = Pool == "v4" ? "198.18.0.0/15" : "2001:db8::/64";
        var family = Pool == "v4" ? IPFamily.IPv4 : IPFamily.IPv6;
        var config = PoolConfiguration.Create([new AddressPoolSpec { Name = "bench", Addresses = [range] }]);
        _allocator = new AddressAllocator(config);
        _naive = new NaiveFirstFitAllocator(config.Pools[0].Ranges);
        for (var i = 0; i < Assigned; i++)
        {
            var request = new ServiceRequest { Key = new ServiceKey("bench", $"svc-{i}"), Families = [family] };
            if (!_allocator.Assign(request).Succeeded || _naive.Assign(request.Key) is null)
            {
                throw new InvalidOperationException("setup could not assign");
            }
        }

        _probe = new ServiceRequest { Key = new ServiceKey("bench", "probe"), Families = [family] };
    }

    [Benchmark(Baseline = true, Description = "naive first fit (MetalLB's scan)")]
    public IPAddr? NaiveFirstFit()
    {
        var address = _naive.Assign(_probe.Key);
        _naive.Release(_probe.Key);
        return address;
    }

    [Benchmark(Description = "BareLb allocator")]
    public Assignment? BareLb()
    {
        var assignment = _allocator.Assign(_probe).Assignment;
        _allocator.Release(_probe.Key);
        return assignment;
    }
}
