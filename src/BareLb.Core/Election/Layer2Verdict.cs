using BareLb.Core.Addresses;

namespace BareLb.Core.Election;

/// <summary>
/// What one speaker decided for one Service: whether it announces, why not, who is elected and who was left out,
/// so that an unannounced address can always be explained.
/// </summary>
public sealed record Layer2Verdict
{
    /// <summary>Why not; <see cref="Layer2Reason.None"/> when this node announces.</summary>
    public required Layer2Reason Reason { get; init; }

    /// <summary>Whether this node announces the Service's addresses.</summary>
    public bool Announce => Reason == Layer2Reason.None;

    /// <summary>The Service's addresses, parsed (empty when none or one is invalid).</summary>
    public IReadOnlyList<IPAddr> Addresses { get; init; } = [];

    /// <summary>The pool that holds them, once found.</summary>
    public string? Pool { get; init; }

    /// <summary>The elected node, when there was an election.</summary>
    public string? Elected { get; init; }

    /// <summary>
    /// The nodes that stood, with their weights, in the order they were considered (not ranked, to keep the decision
    /// one pass); <see cref="Layer2Election.Rank"/> puts them in MetalLB's order, whose first is <see cref="Elected"/>.
    /// </summary>
    public IReadOnlyList<NodeCandidate> Candidates { get; init; } = [];

    /// <summary>The nodes left out of the election, and why.</summary>
    public IReadOnlyList<CandidateExclusion> Excluded { get; init; } = [];

    /// <summary>When announcing: whether to announce on every interface.</summary>
    public bool AllInterfaces { get; init; }

    /// <summary>When announcing and not on every interface: the interfaces the advertisements for this node name.</summary>
    public IReadOnlySet<string> Interfaces { get; init; } = new HashSet<string>();

    /// <summary>The detail behind the reason, in a sentence.</summary>
    public string Detail { get; init; } = "";
}
