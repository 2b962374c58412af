using BareLb.Core.Selectors;

namespace BareLb.Core.Election;

/// <summary>
/// An L2Advertisement as the Layer 2 decision uses it, resolved against the cluster's nodes as MetalLB's
/// configuration does: the nodes it selects, its interfaces, its Service selectors and its preferred nodes' weights.
/// </summary>
public sealed record Layer2Advertisement
{
    private static readonly Dictionary<string, long> NoPreferences = [];

    /// <summary>The advertisement's name, for explanations.</summary>
    public string Name { get; init; } = "";

    /// <summary>The names of the nodes its node selectors select (every node when it has none).</summary>
    public required IReadOnlySet<string> Nodes { get; init; }

    /// <summary>The interfaces to announce on; empty means every interface.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Service selectors; empty applies the advertisement to every Service of its pools.</summary>
    public IReadOnlyList<LabelSelector> ServiceSelectors { get; init; } = [];

    /// <summary>Preference weight by node, summed over its preferred node selectors that select the node.</summary>
    public IReadOnlyDictionary<string, long> PreferredNodes { get; init; } = NoPreferences;

    /// <summary>Whether it announces on every interface.</summary>
    public bool AllInterfaces => Interfaces.Count == 0;

    /// <summary>Whether it applies to a Service with these labels.</summary>
    public bool AppliesTo(IReadOnlyDictionary<string, string> serviceLabels) =>
        ServiceSelectors.Count == 0 || ServiceSelectors.Any(s => s.Matches(serviceLabels));
}
