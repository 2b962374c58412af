namespace BareLb.Core.Election;

/// <summary>What the election needs to know of a node, read by the caller from the Node object and membership.</summary>
public sealed record NodeInfo
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>The label that keeps a node out of external load balancers.</summary>
    public const string ExcludeFromExternalLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

    /// <summary>The node's name.</summary>
    public required string Name { get; init; }

    /// <summary>The node's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = NoLabels;

    /// <summary>Whether membership sees the node's speaker alive.</summary>
    public bool IsAliveMember { get; init; } = true;

    /// <summary>Whether the node has the condition NetworkUnavailable=True.</summary>
    public bool NetworkUnavailable { get; init; }

    /// <summary>The node's network interfaces, when known; null when not reported.</summary>
    public IReadOnlySet<string>? Interfaces { get; init; }
}
