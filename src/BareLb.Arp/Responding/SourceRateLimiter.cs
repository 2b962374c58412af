using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BareLb.Arp.Responding;

/// <summary>
/// A per-source reply limit (generic cell rate algorithm: a token bucket in one number per
/// source) over a fixed table keyed by the requester's MAC address, so the engine cannot be
/// used as an amplifier. A source that collides with another in the table takes its slot and
/// starts with a full bucket. Used by one receive thread only; allocation-free.
/// </summary>
/// <remarks>
/// Time is kept in microseconds at millisecond resolution, which is all a limit of at most a
/// million per second needs. On the system clock it reads <see cref="Environment.TickCount64"/>
/// (a coarse clock, several times cheaper than a full timestamp on the packet path); any other
/// <see cref="TimeProvider"/>, such as a fake one in tests, is read through its timestamps.
/// </remarks>
internal sealed class SourceRateLimiter
{
    private const int Slots = 4096;
    private readonly Slot[] _slots = new Slot[Slots];
    private readonly TimeProvider? _time;
    private readonly long _millisecondTicks;
    private readonly long _interval;
    private readonly long _tolerance;

    /// <param name="perSecond">Sustained replies per second per source (at most a million); 0 disables the limit.</param>
    /// <param name="burst">Replies a quiet source may get at once.</param>
    /// <param name="timeProvider">The clock.</param>
    public SourceRateLimiter(int perSecond, int burst, TimeProvider timeProvider)
    {
        Enabled = perSecond > 0;
        _time = ReferenceEquals(timeProvider, TimeProvider.System) ? null : timeProvider;
        _millisecondTicks = Math.Max(1, timeProvider.TimestampFrequency / 1000);
        _interval = Enabled ? Math.Max(1, 1_000_000 / perSecond) : 0;
        _tolerance = _interval * Math.Max(0, burst - 1);
    }

    public bool Enabled { get; }

    /// <summary>Whether the source may have a reply now; if so, charges it.</summary>
    public bool TryAcquire(ulong source)
    {
        if (!Enabled)
        {
            return true;
        }

        var now = NowMicroseconds();
        // The top 12 bits of a multiplicative hash pick one of the 4,096 slots: always in range.
        var slot = (nint)((source * 0x9E37_79B9_7F4A_7C15UL) >> 52);
        var key = source + 1; // 0 marks an empty slot
        ref var entry = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), slot);
        if (entry.Key != key)
        {
            entry.Key = key;
            entry.TheoreticalArrival = now + _interval;
            return true;
        }

        var tat = entry.TheoreticalArrival;
        if (tat - _tolerance > now)
        {
            return false;
        }

        entry.TheoreticalArrival = Math.Max(tat, now) + _interval;
        return true;
    }

    /// <summary>A source and when its bucket is next due, side by side in one cache line.</summary>
    private struct Slot
    {
        public ulong Key;
        public long TheoreticalArrival;
    }

    private long NowMicroseconds()
        => (_time is null ? Environment.TickCount64 : _time.GetTimestamp() / _millisecondTicks) * 1000;
}
