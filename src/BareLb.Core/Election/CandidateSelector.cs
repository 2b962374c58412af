namespace BareLb.Core.Election;

/// <summary>
/// Chooses the nodes that may announce a Service's address: alive members, not NetworkUnavailable,
/// not labelled to be excluded from external load balancers, selected by the advertisement, with
/// one of its interfaces, and, for externalTrafficPolicy Local, with a serving endpoint.
/// </summary>
public static class CandidateSelector
{
    /// <summary>The candidates in node order, and the nodes left out with why.</summary>
    /// <param name="nodes">Every node.</param>
    /// <param name="scope">The advertisement's nodes, interfaces and preferences.</param>
    /// <param name="nodesWithServingEndpoints">For externalTrafficPolicy Local: nodes that have a serving endpoint of the Service; null for Cluster.</param>
    public static (IReadOnlyList<NodeCandidate> Candidates, IReadOnlyList<CandidateExclusion> Excluded) Select(
        IEnumerable<NodeInfo> nodes,
        AdvertisementScope scope,
        IReadOnlySet<string>? nodesWithServingEndpoints = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(scope);
        var candidates = new List<NodeCandidate>();
        var excluded = new List<CandidateExclusion>();
        foreach (var node in nodes)
        {
            if (Exclude(node, scope, nodesWithServingEndpoints) is { } reason)
            {
                excluded.Add(new CandidateExclusion(node.Name, reason));
            }
            else
            {
                candidates.Add(new NodeCandidate(node.Name, scope.NodeWeights.GetValueOrDefault(node.Name)));
            }
        }

        return (candidates, excluded);
    }

    /// <summary>Why the node may not announce, or null when it may.</summary>
    public static CandidateExclusionReason? Exclude(NodeInfo node, AdvertisementScope scope, IReadOnlySet<string>? nodesWithServingEndpoints = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(scope);
        if (!node.IsAliveMember)
        {
            return CandidateExclusionReason.NotAliveMember;
        }

        if (node.NetworkUnavailable)
        {
            return CandidateExclusionReason.NetworkUnavailable;
        }

        if (node.Labels.ContainsKey(NodeInfo.ExcludeFromExternalLoadBalancersLabel))
        {
            return CandidateExclusionReason.ExcludedByLabel;
        }

        if (scope.NodeSelectors.Count > 0 && !scope.NodeSelectors.Any(s => s.Matches(node.Labels)))
        {
            return CandidateExclusionReason.NotSelectedByAdvertisement;
        }

        if (scope.Interfaces.Count > 0 && (node.Interfaces is null || !scope.Interfaces.Any(node.Interfaces.Contains)))
        {
            return CandidateExclusionReason.MissingInterface;
        }

        if (nodesWithServingEndpoints is not null && !nodesWithServingEndpoints.Contains(node.Name))
        {
            return CandidateExclusionReason.NoServingEndpoint;
        }

        return null;
    }
}
