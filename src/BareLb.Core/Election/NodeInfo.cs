namespace BareLb.Core.Election;

/// <summary>What the Layer 2 decision needs to know of a Node object.</summary>
public sealed record NodeInfo
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>The label that keeps a node out of external load balancers.</summary>
    public const string ExcludeFromExternalLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>The node's name.</summary>
    public required string Name { get; init; }

    /// <summary>The node's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = NoLabels;

    /// <summary>Whether the node has the condition NetworkUnavailable=True.</summary>
    public bool NetworkUnavailable { get; init; }

    /// <summary>Whether the node carries <see cref="ExcludeFromExternalLoadBalancersLabel"/> (with any value).</summary>
    public bool ExcludedFromLoadBalancers => Labels.ContainsKey(ExcludeFromExternalLoadBalancersLabel);
}
