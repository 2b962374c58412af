namespace BareLb.Core.Election;

/// <summary>What one speaker knows when it decides: itself, the nodes, the live speakers and the configuration.</summary>
public sealed record Layer2View
{
    /// <summary>This speaker's node.</summary>
    public required string MyNode { get; init; }

    /// <summary>The cluster's nodes by name.</summary>
    public required IReadOnlyDictionary<string, NodeInfo> Nodes { get; init; }

    /// <summary>
    /// The nodes whose speakers the membership sees alive (this node's included); null when the membership is
    /// disabled, in which case every node is taken to run a speaker, as MetalLB does.
    /// </summary>
    public IReadOnlySet<string>? LiveSpeakers { get; init; }

    /// <summary>Whether <c>--ignore-exclude-lb</c> is set: nodes labelled to be excluded stay candidates.</summary>
    public bool IgnoreExcludeLoadBalancers { get; init; }

    /// <summary>The configured pools; null until a configuration has been loaded.</summary>
    public IReadOnlyList<Layer2Pool>? Pools { get; init; }
}
