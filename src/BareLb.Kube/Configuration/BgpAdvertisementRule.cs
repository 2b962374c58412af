using BareLb.Core.Selectors;

namespace BareLb.Kube.Configuration;

/// <summary>A BGP advertisement after translation: the pools it covers (selectors resolved) and the route attributes.</summary>
public sealed class BgpAdvertisementRule
{
    /// <summary>The advertisement's name.</summary>
    public required string Name { get; init; }

    /// <summary>The names of the pools it announces.</summary>
    public required IReadOnlyList<string> Pools { get; init; }

    /// <summary>The prefix length IPv4 routes are aggregated to (32: one route per address).</summary>
    public int AggregationLength { get; init; } = 32;

    /// <summary>The prefix length IPv6 routes are aggregated to (128: one route per address).</summary>
    public int AggregationLengthV6 { get; init; } = 128;

    /// <summary>The LOCAL_PREF attribute, if set.</summary>
    public uint? LocalPref { get; init; }

    /// <summary>Community values ("high:low" or "large:a:b:c"), aliases resolved.</summary>
    public IReadOnlyList<string> Communities { get; init; } = [];

    /// <summary>Nodes that announce; every node when empty.</summary>
    public IReadOnlyList<LabelSelector> NodeSelectors { get; init; } = [];

    /// <summary>Names of the peers to announce to; every peer when empty.</summary>
    public IReadOnlyList<string> Peers { get; init; } = [];
}
