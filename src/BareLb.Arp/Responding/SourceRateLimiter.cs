namespace BareLb.Arp.Responding;

/// <summary>
/// A per-source reply limit (generic cell rate algorithm: a token bucket in one number per
/// source) over a fixed table keyed by the requester's MAC address, so the engine cannot be
/// used as an amplifier. A source that collides with another in the table takes its slot and
/// starts with a full bucket. Used by one receive thread only; allocation-free.
/// </summary>
internal sealed class SourceRateLimiter
{
    private const int Slots = 4096;
    private readonly ulong[] _keys = new ulong[Slots];
    private readonly long[] _theoreticalArrival = new long[Slots];
    private readonly long _interval;
    private readonly long _tolerance;
    private readonly bool _enabled;

    /// <param name="perSecond">Sustained replies per second per source; 0 disables the limit.</param>
    /// <param name="burst">Replies a quiet source may get at once.</param>
    /// <param name="timestampFrequency">Ticks per second of the timestamps passed to <see cref="TryAcquire"/>.</param>
    public SourceRateLimiter(int perSecond, int burst, long timestampFrequency)
    {
        _enabled = perSecond > 0;
        _interval = _enabled ? Math.Max(1, timestampFrequency / perSecond) : 0;
        _tolerance = _interval * Math.Max(0, burst - 1);
    }

    /// <summary>Whether the source may have a reply now; if so, charges it.</summary>
    public bool TryAcquire(ulong source, long now)
    {
        if (!_enabled)
        {
            return true;
        }

        var hash = source * 0x9E37_79B9_7F4A_7C15UL;
        var slot = (int)(hash >> 52);
        var key = source + 1; // 0 marks an empty slot
        if (_keys[slot] != key)
        {
            _keys[slot] = key;
            _theoreticalArrival[slot] = now + _interval;
            return true;
        }

        var tat = _theoreticalArrival[slot];
        if (tat - _tolerance > now)
        {
            return false;
        }

        _theoreticalArrival[slot] = Math.Max(tat, now) + _interval;
        return true;
    }
}
