namespace BareLb.Arp;

/// <summary>How the engine announces addresses and limits replies. Validate with <see cref="Validate"/>.</summary>
public sealed class Layer2Options
{
    /// <summary>Announcements sent in a burst when an address is gained, the first at once. Default 3 (at 0, 1.1 and 2.2 s).</summary>
    public int AnnouncementCount { get; set; } = 3;

    /// <summary>
    /// Time between the announcements of a burst. Default 1.1 s, as MetalLB spaces its own: longer
    /// than Linux's ARP <c>locktime</c> (1 s), within which a neighbour keeps the first answer it got
    /// and ignores later ones that are not gratuitous (and, on kernels that predate the gratuitous
    /// ARP exception, ignores those too). The first announcement goes out at once, so a takeover
    /// reaches caches that accept it without waiting; the later ones, each past the locktime of
    /// the one before, correct a cache that took a late reply of the previous owner meanwhile.
    /// </summary>
    public TimeSpan AnnouncementInterval { get; set; } = TimeSpan.FromMilliseconds(1100);

    /// <summary>Time between refresh announcements after the burst, for switches whose tables age out; <see cref="TimeSpan.Zero"/> disables them. Default 60 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Sustained replies per second to one source MAC address, at most 1,000,000; 0 disables the limit. Default 100.</summary>
    public int RateLimitPerSecond { get; set; } = 100;

    /// <summary>Replies a quiet source may get at once. Default 50.</summary>
    public int RateLimitBurst { get; set; } = 50;

    /// <summary>
    /// How long a receive loop waits before checking whether it should stop, when its transport cannot be woken
    /// (<see cref="Transports.IFrameTransport.CanInterruptReceive"/>; the AF_PACKET transport can, and waits without
    /// a timeout), and how often it looks again at a link that is down. Default 100 ms.
    /// </summary>
    public TimeSpan ReceivePollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// After a frame, how long the receive thread keeps polling without sleeping before it
    /// blocks again: a busy stream of requests then pays no wake-up each, at the cost of that
    /// much CPU per frame. <see cref="TimeSpan.Zero"/> (the default) never spins.
    /// </summary>
    public TimeSpan BusyPoll { get; set; } = TimeSpan.Zero;

    /// <summary>Returns one message per invalid setting, naming it; empty when all are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (AnnouncementCount is < 1 or > 100)
        {
            errors.Add($"{nameof(AnnouncementCount)} must be between 1 and 100, not {AnnouncementCount}.");
        }

        if (AnnouncementInterval < TimeSpan.FromMilliseconds(1) || AnnouncementInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{nameof(AnnouncementInterval)} must be between 1 ms and 1 minute, not {AnnouncementInterval}.");
        }

        if (RefreshInterval != TimeSpan.Zero && (RefreshInterval < TimeSpan.FromSeconds(1) || RefreshInterval > TimeSpan.FromDays(1)))
        {
            errors.Add($"{nameof(RefreshInterval)} must be zero (off) or between 1 s and 1 day, not {RefreshInterval}.");
        }

        if (RateLimitPerSecond is < 0 or > 1_000_000)
        {
            errors.Add($"{nameof(RateLimitPerSecond)} must be 0 (off) or up to 1,000,000, not {RateLimitPerSecond}.");
        }

        if (RateLimitBurst < 1)
        {
            errors.Add($"{nameof(RateLimitBurst)} must be at least 1, not {RateLimitBurst}.");
        }

        if (ReceivePollInterval < TimeSpan.FromMilliseconds(1) || ReceivePollInterval > TimeSpan.FromSeconds(1))
        {
            errors.Add($"{nameof(ReceivePollInterval)} must be between 1 ms and 1 s, not {ReceivePollInterval}.");
        }

        if (BusyPoll < TimeSpan.Zero || BusyPoll > TimeSpan.FromMilliseconds(10))
        {
            errors.Add($"{nameof(BusyPoll)} must be between 0 and 10 ms, not {BusyPoll}.");
        }

        return errors;
    }
}
