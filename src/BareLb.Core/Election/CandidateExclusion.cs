namespace BareLb.Core.Election;

/// <summary>Why a node may not announce an address.</summary>
public enum CandidateExclusionReason
{
    /// <summary>Membership does not see a live speaker on the node.</summary>
    NotAliveMember,

    /// <summary>The node's condition NetworkUnavailable is True.</summary>
    NetworkUnavailable,

    /// <summary>The node carries node.kubernetes.io/exclude-from-external-load-balancers.</summary>
    ExcludedByLabel,

    /// <summary>No L2Advertisement that applies to the Service selects the node.</summary>
    NotSelectedByAdvertisement,

    /// <summary>The Service has externalTrafficPolicy Local and no serving endpoint on the node.</summary>
    NoServingEndpoint,
}

/// <summary>A node left out of an election, and why: so that an unannounced address can be explained.</summary>
/// <param name="Node">The node's name.</param>
/// <param name="Reason">Why it was left out.</param>
public readonly record struct CandidateExclusion(string Node, CandidateExclusionReason Reason);
