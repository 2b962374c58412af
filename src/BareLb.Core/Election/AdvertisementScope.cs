using BareLb.Core.Selectors;

namespace BareLb.Core.Election;

/// <summary>Where an L2Advertisement lets an address be announced: which nodes, which interfaces, with which preferences.</summary>
public sealed record AdvertisementScope
{
    /// <summary>An advertisement that allows every node and interface.</summary>
    public static AdvertisementScope Everywhere { get; } = new();

    /// <summary>Node selectors; a node must match one. Empty allows every node.</summary>
    public IReadOnlyList<LabelSelector> NodeSelectors { get; init; } = [];

    /// <summary>Interfaces to announce on; a node must have one. Empty allows any.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>
    /// Soft preferences (MetalLB's <c>preferredNodeSelectors</c>): a node's weight in the election is the sum of the
    /// weights whose selector matches it, counted only for nodes that <see cref="NodeSelectors"/> allow.
    /// </summary>
    public IReadOnlyList<NodePreference> PreferredNodes { get; init; } = [];

    /// <summary>
    /// The weight of a node with these labels under <see cref="PreferredNodes"/>: the sum of the weights whose selector
    /// matches, 0 when none does. The caller checks first that the advertisement allows the node.
    /// </summary>
    public long WeightOf(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        long weight = 0;
        foreach (var preference in PreferredNodes)
        {
            if (preference.Preference.Matches(labels))
            {
                weight += preference.Weight;
            }
        }

        return weight;
    }
}
