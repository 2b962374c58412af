using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>What an assign would do, before it is committed: the pool and addresses, or why not.</summary>
internal readonly record struct Plan(PoolIndex? Pool, IPAddr First, IPAddr? Second, AllocationFailure? Failure)
{
    public Plan(PoolIndex pool, IPAddr first, IPAddr? second)
        : this(pool, first, second, null)
    {
    }

    public Plan(AllocationFailure failure)
        : this(null, default, null, failure)
    {
    }
}
