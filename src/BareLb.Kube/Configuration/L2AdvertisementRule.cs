using BareLb.Core.Election;
using BareLb.Core.Selectors;

namespace BareLb.Kube.Configuration;

/// <summary>An L2 advertisement after translation: the pools it covers (selectors resolved) and where it announces.</summary>
public sealed class L2AdvertisementRule
{
    /// <summary>The advertisement's name (for the legacy form, the pool's name with "-l2").</summary>
    public required string Name { get; init; }

    /// <summary>The names of the pools it announces.</summary>
    public required IReadOnlyList<string> Pools { get; init; }

    /// <summary>The nodes and interfaces it may announce from.</summary>
    public AdvertisementScope Scope { get; init; } = AdvertisementScope.Everywhere;

    /// <summary>Its Service selectors (MetalLB 0.16): it applies only to the Services one of them selects; to every Service when empty.</summary>
    public IReadOnlyList<LabelSelector> ServiceSelectors { get; init; } = [];
}
