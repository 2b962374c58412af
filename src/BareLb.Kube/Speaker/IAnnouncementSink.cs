namespace BareLb.Kube.Speaker;

/// <summary>
/// Where the speaker's decisions go: the host's announcer (the Arp engine). Level-triggered: each call carries the
/// whole desired set, so the sink starts announcing what is new, stops answering for what is gone at once, and
/// changes nothing for what stays. Calling it twice with the same set changes nothing; <see cref="Reannounce"/> is the
/// one way to announce again what stays.
/// </summary>
public interface IAnnouncementSink
{
    /// <summary>
    /// Makes the node announce exactly <paramref name="desired"/> (one entry per address). Called after every change
    /// of the decision, one call at a time, never concurrently; the collection is not changed after the call. It
    /// should not block for long; an exception is logged and the same set is applied again later.
    /// </summary>
    void Apply(IReadOnlyCollection<DesiredAnnouncement> desired);

    /// <summary>
    /// Sends a fresh burst of announcements for every address announced now, without stopping to answer for any.
    /// Called after <see cref="Apply"/> when a speaker joined or came back: cut off from the others, it may have
    /// announced these addresses itself, and neighbours whose caches still point at it must come back here at once
    /// rather than when their caches expire. Same calling rules as <see cref="Apply"/>. The default does nothing, for
    /// sinks written before this member existed: they recover from a split only when neighbours' caches expire.
    /// </summary>
    void Reannounce()
    {
    }

    /// <summary>
    /// The names of every network interface this node has now, up or down (MetalLB's announcer's interface list), or
    /// null when the sink cannot tell. An address whose advertisements name interfaces, none of which is here, is not
    /// handed to <see cref="Apply"/>: the speaker records MetalLB's <c>announceFailed</c> event on the Service instead.
    /// The default is null (no check).
    /// </summary>
    IReadOnlySet<string>? NodeInterfaces => null;
}
