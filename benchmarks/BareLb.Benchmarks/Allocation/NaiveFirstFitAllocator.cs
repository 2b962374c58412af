using BareLb.Core.Addresses;
using BareLb.Core.Allocation;

namespace BareLb.Benchmarks.Allocation;

/// <summary>
/// The baseline: first fit by walking each range from its first address and asking whether each
/// address is in use, as MetalLB's allocator does. O(addresses in use) per assignment.
/// </summary>
internal sealed class NaiveFirstFitAllocator(IReadOnlyList<IPRange> ranges)
{
    private readonly HashSet<IPAddr> _used = [];
    private readonly Dictionary<ServiceKey, IPAddr> _byService = [];

    public IPAddr? Assign(ServiceKey service)
    {
        foreach (var range in ranges)
        {
            for (var address = range.First; ; )
            {
                if (_used.Add(address))
                {
                    _byService[service] = address;
                    return address;
                }

                if (address == range.Last || !address.TryNext(out address))
                {
                    break;
                }
            }
        }

        return null;
    }

    public void Release(ServiceKey service)
    {
        if (_byService.Remove(service, out var address))
        {
            _used.Remove(address);
        }
    }
}
