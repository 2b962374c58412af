namespace BareLb.Kube.Speaker;

/// <summary>
/// The speakers the membership (memberlist on port 7946, MetalLB's <c>internal/speakerlist</c>) sees alive, as
/// the Layer 2 decision uses them: only nodes in <see cref="LiveSpeakers"/> are candidates to announce.
/// </summary>
public interface ISpeakerMembership
{
    /// <summary>
    /// The node names of the live speakers, this node's included while it is a member; null when there is no
    /// membership (MetalLB's speaker without memberlist), in which case every node counts as running a live speaker.
    /// An empty set (or one without this node), as before this node has joined, makes it announce nothing.
    /// The returned set is a snapshot: it is never changed after it has been handed out.
    /// </summary>
    IReadOnlySet<string>? LiveSpeakers { get; }

    /// <summary>Raised (on any thread) after <see cref="LiveSpeakers"/> changed. Handlers must return quickly.</summary>
    event EventHandler? Changed;

    /// <summary>
    /// Told after each decision whether any Service the speaker handles has an address, that is, whether a failure
    /// must be detected fast for an address to move in time. A membership may probe at a relaxed pace while none
    /// does, so that a speaker in a cluster with nothing to announce costs next to nothing. Called often, with the
    /// same value most times; it must return quickly. The default does nothing.
    /// </summary>
    void SetAddressesAtStake(bool atStake)
    {
    }
}
