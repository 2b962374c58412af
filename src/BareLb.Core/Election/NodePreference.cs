using BareLb.Core.Selectors;

namespace BareLb.Core.Election;

/// <summary>
/// A soft preference of an L2Advertisement (MetalLB's <c>preferredNodeSelectors</c> entry): the nodes that
/// <see cref="Preference"/> selects, among those the advertisement already allows, gain <see cref="Weight"/> in the
/// election; the weights of every entry that selects a node add up.
/// </summary>
/// <param name="Weight">The weight, 1 to 100.</param>
/// <param name="Preference">The nodes that gain it; an empty selector selects every node.</param>
public sealed record NodePreference(int Weight, LabelSelector Preference)
{
    /// <summary>The smallest weight the CRD accepts.</summary>
    public const int MinimumWeight = 1;

    /// <summary>The largest weight the CRD accepts.</summary>
    public const int MaximumWeight = 100;
}
