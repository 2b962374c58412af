namespace BareLb.Arp.Metrics;

/// <summary>
/// The running totals of one address on one interface, in plain fields: the packet path adds
/// to them with an increment, and <see cref="Layer2Metrics"/> publishes them when a listener
/// asks. They outlive a withdrawal, so a counter never goes back when an address returns.
/// </summary>
internal sealed class AddressCounters
{
    /// <summary>Requests seen for the address; written by the interface's receive thread only.</summary>
    public long Requests;

    /// <summary>Replies sent for the address; written by the interface's receive thread only.</summary>
    public long Replies;

    /// <summary>Announcements sent for the address; written with <see cref="Interlocked"/> (timers).</summary>
    public long Announcements;

    public AddressCounters(string address, string protocol)
    {
        Address = address;
        Protocol = protocol;
    }

    /// <summary>The address as text, the <c>ip</c> label.</summary>
    public string Address { get; }

    /// <summary><c>arp</c> or <c>ndp</c>, the <c>protocol</c> label.</summary>
    public string Protocol { get; }
}
