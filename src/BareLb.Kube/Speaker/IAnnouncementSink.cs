namespace BareLb.Kube.Speaker;

/// <summary>
/// Where the speaker's decisions go: the host's announcer (the Arp engine). Level-triggered: each call carries the
/// whole desired set, so the sink starts announcing what is new, stops answering for what is gone at once, and
/// changes nothing for what stays. Calling it twice with the same set changes nothing.
/// </summary>
public interface IAnnouncementSink
{
    /// <summary>
    /// Makes the node announce exactly <paramref name="desired"/> (one entry per address). Called after every change
    /// of the decision, one call at a time, never concurrently; the collection is not changed after the call. It
    /// should not block for long; an exception is logged and the same set is applied again later.
    /// </summary>
    void Apply(IReadOnlyCollection<DesiredAnnouncement> desired);
}
