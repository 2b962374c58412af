namespace BareLb.Core.Pools;

/// <summary>
/// A pool as the user wrote it, before validation: the address texts are kept as written so that
/// errors can quote them. <see cref="Source"/> says where it came from, for messages.
/// </summary>
public sealed class AddressPoolSpec
{
    /// <summary>The pool's name.</summary>
    public required string Name { get; init; }

    /// <summary>CIDRs, "first-last" ranges and single addresses.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Whether Services that ask for no pool or address may get addresses from it (MetalLB's default: true).</summary>
    public bool AutoAssign { get; init; } = true;

    /// <summary>Whether IPv4 addresses ending in .0 or .255 are skipped.</summary>
    public bool AvoidBuggyIPs { get; init; }

    /// <summary>Which Services may use the pool and its priority; null for all Services, no priority.</summary>
    public ServiceAllocationSpec? ServiceAllocation { get; init; }

    /// <summary>The object the pool was read from and the path of its fields, for error messages.</summary>
    public ConfigurationSource Source { get; init; } = ConfigurationSource.Default;
}
