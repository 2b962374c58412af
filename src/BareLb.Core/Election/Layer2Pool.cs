using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>A configured pool as the Layer 2 decision needs it: its addresses and the L2Advertisements that select it.</summary>
public sealed record Layer2Pool
{
    /// <summary>The pool's name.</summary>
    public required string Name { get; init; }

    /// <summary>The pool's address ranges.</summary>
    public required IReadOnlyList<IPRange> Ranges { get; init; }

    /// <summary>The L2Advertisements that select the pool (none: the pool is not announced in Layer 2 mode).</summary>
    public IReadOnlyList<Layer2Advertisement> Advertisements { get; init; } = [];

    /// <summary>Whether every address lies in the pool.</summary>
    public bool ContainsAll(IReadOnlyList<IPAddr> addresses) => addresses.All(a => Ranges.Any(r => r.Contains(a)));
}
