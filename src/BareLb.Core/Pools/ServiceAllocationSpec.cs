using BareLb.Core.Selectors;

namespace BareLb.Core.Pools;

/// <summary>
/// MetalLB's <c>serviceAllocation</c>: which Services a pool serves, and how strongly it is
/// preferred. A pool with none serves every Service with no priority.
/// </summary>
public sealed class ServiceAllocationSpec
{
    /// <summary>Lower numbers are tried first; pools without a priority come after all pools with one.</summary>
    public int? Priority { get; init; }

    /// <summary>Namespaces whose Services may use the pool (with <see cref="NamespaceSelectors"/>: either suffices).</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Selectors over namespace labels; a Service whose namespace matches any may use the pool.</summary>
    public IReadOnlyList<LabelSelector> NamespaceSelectors { get; init; } = [];

    /// <summary>Selectors over Service labels; when any are given, a Service must match one.</summary>
    public IReadOnlyList<LabelSelector> ServiceSelectors { get; init; } = [];
}
