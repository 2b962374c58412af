using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>Exact address counts of one pool and family, for status and metrics; never negative, exact for an IPv6 /64 and larger.</summary>
/// <param name="Pool">The pool.</param>
/// <param name="Family">The family.</param>
/// <param name="Total">Addresses the pool can hand out (without those it avoids).</param>
/// <param name="InUse">Addresses held by at least one Service.</param>
/// <param name="Available">Addresses free to hand out.</param>
public readonly record struct PoolStatistics(string Pool, IPFamily Family, UInt128 Total, UInt128 InUse, UInt128 Available);
