using BareLb.Core.Selectors;

namespace BareLb.Core.Election;

/// <summary>Where an L2Advertisement lets an address be announced: which nodes, which interfaces, with which preferences.</summary>
public sealed record AdvertisementScope
{
    private static readonly Dictionary<string, long> NoWeights = [];

    /// <summary>An advertisement that allows every node and interface.</summary>
    public static AdvertisementScope Everywhere { get; } = new();

    /// <summary>Node selectors; a node must match one. Empty allows every node.</summary>
    public IReadOnlyList<LabelSelector> NodeSelectors { get; init; } = [];

    /// <summary>Interfaces to announce on; a node must have one. Empty allows any.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Preference weights by node name, summed over the advertisements that apply (MetalLB's preferred node selectors); a node not listed has weight 0.</summary>
    public IReadOnlyDictionary<string, long> NodeWeights { get; init; } = NoWeights;
}
