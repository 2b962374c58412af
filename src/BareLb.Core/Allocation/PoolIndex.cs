using BareLb.Core.Addresses;
using BareLb.Core.Pools;

namespace BareLb.Core.Allocation;

/// <summary>The free addresses and exact counters of one pool, per family.</summary>
internal sealed class PoolIndex
{
    private readonly FreeAddressSet _free4 = new();
    private readonly FreeAddressSet _free6 = new();
    private readonly UInt128 _total4;
    private readonly UInt128 _total6;
    private UInt128 _inUse4;
    private UInt128 _inUse6;

    public PoolIndex(AddressPool pool)
    {
        Pool = pool;
        foreach (var range in pool.Ranges)
        {
            var offered = range.Count - (pool.AvoidBuggyIPs ? BuggyAddresses.CountIn(range) : 0);
            if (range.Family == IPFamily.IPv4)
            {
                _total4 += offered;
                _free4.AddRange(range.First.Value, range.Last.Value);
            }
            else
            {
                _total6 += offered;
                _free6.AddRange(range.First.Value, range.Last.Value);
            }
        }
    }

    public AddressPool Pool { get; }

    public string Name => Pool.Name;

    /// <summary>
    /// The lowest address the pool offers that no one holds. Addresses the pool avoids (.0, .255)
    /// are taken out of the free set as they are met, so that later calls never walk past them again.
    /// </summary>
    public bool TryPeekLowest(IPFamily family, out IPAddr address)
    {
        var free = Free(family);
        while (free.TryGetLowest(out var value))
        {
            address = IPAddr.FromValue(family, value);
            if (!Pool.Avoids(address))
            {
                return true;
            }

            free.Remove(value);
        }

        address = default;
        return false;
    }

    /// <summary>Marks an offered address as held; false when it was not free.</summary>
    public bool TryTake(IPAddr address)
    {
        if (!Free(address.Family).Remove(address.Value))
        {
            return false;
        }

        if (address.IsIPv4)
        {
            _inUse4++;
        }
        else
        {
            _inUse6++;
        }

        return true;
    }

    /// <summary>Returns a held address to the free set.</summary>
    public void Give(IPAddr address)
    {
        if (!Free(address.Family).Add(address.Value))
        {
            return;
        }

        if (address.IsIPv4)
        {
            _inUse4--;
        }
        else
        {
            _inUse6--;
        }
    }

    public PoolStatistics Statistics(IPFamily family)
    {
        var (total, inUse) = family == IPFamily.IPv4 ? (_total4, _inUse4) : (_total6, _inUse6);
        return new PoolStatistics(Name, family, total, inUse, total - inUse);
    }

    /// <summary>The number of free intervals, which is what the index's memory grows with.</summary>
    public int IntervalCount => _free4.IntervalCount + _free6.IntervalCount;

    private FreeAddressSet Free(IPFamily family) => family == IPFamily.IPv4 ? _free4 : _free6;
}
