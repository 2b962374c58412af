using System.Diagnostics.CodeAnalysis;
using BareLb.Core.Addresses;

namespace BareLb.Core.Pools;

/// <summary>
/// A validated set of pools: unique names, no overlaps, in the strict order in which the allocator
/// tries them (priority ascending, pools without priority last, ties broken by name), with an
/// O(log ranges) lookup from an address to the pool that holds it.
/// </summary>
public sealed class PoolConfiguration
{
    private readonly Dictionary<string, AddressPool> _byName;
    private readonly (IPRange Range, AddressPool Pool)[] _rangesInOrder;

    private PoolConfiguration(IReadOnlyList<AddressPool> pools)
    {
        PoolsInOrder = [.. pools.OrderBy(p => p.Priority ?? int.MaxValue).ThenBy(p => p.Priority is null ? 1 : 0).ThenBy(p => p.Name, StringComparer.Ordinal)];
        Pools = PoolsInOrder;
        _byName = Pools.ToDictionary(p => p.Name, StringComparer.Ordinal);
        _rangesInOrder = [.. Pools.SelectMany(p => p.Ranges.Select(r => (r, p))).OrderBy(x => x.r.First)];
    }

    /// <summary>A configuration with no pools.</summary>
    public static PoolConfiguration Empty { get; } = new([]);

    /// <summary>The pools in allocation order.</summary>
    public IReadOnlyList<AddressPool> Pools { get; }

    /// <summary>The pools in allocation order, as an array for loops on the hot path.</summary>
    internal AddressPool[] PoolsInOrder { get; }

    /// <summary>Validates pool specs and builds a configuration; on any error, returns false and every problem found.</summary>
    public static bool TryCreate(IEnumerable<AddressPoolSpec> specs, [NotNullWhen(true)] out PoolConfiguration? configuration, out IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var (pools, problems) = PoolValidator.Validate([.. specs]);
        errors = problems;
        configuration = problems.Count == 0 ? new PoolConfiguration(pools) : null;
        return configuration is not null;
    }

    /// <summary>Validates pool specs and builds a configuration.</summary>
    /// <exception cref="ArgumentException">The specs are invalid; the message lists every problem.</exception>
    public static PoolConfiguration Create(IEnumerable<AddressPoolSpec> specs)
    {
        if (!TryCreate(specs, out var configuration, out var errors))
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(specs));
        }

        return configuration;
    }

    /// <summary>The pool of a name, if any.</summary>
    public AddressPool? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The pool that holds the address, if any.</summary>
    public AddressPool? PoolContaining(IPAddr address)
    {
        int low = 0, high = _rangesInOrder.Length - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var range = _rangesInOrder[mid].Range;
            if (address < range.First)
            {
                high = mid - 1;
            }
            else if (address > range.Last)
            {
                low = mid + 1;
            }
            else
            {
                return _rangesInOrder[mid].Pool;
            }
        }

        return null;
    }
}
