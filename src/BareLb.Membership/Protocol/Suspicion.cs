namespace BareLb.Membership.Protocol;

/// <summary>
/// Lifeguard's suspicion timer for one member (memberlist's <c>suspicion</c>): it starts at
/// <c>max</c> when <c>k</c> independent confirmations are expected (at <c>min</c> when none are),
/// and each new confirmation from another member shrinks it toward <c>min</c> on a log scale,
/// reaching <c>min</c> after <c>k</c>.
/// </summary>
internal sealed class Suspicion
{
    private readonly HashSet<string> _confirmedBy = new(StringComparer.Ordinal);
    private readonly int _k;
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;
    private readonly DateTimeOffset _start;

    public Suspicion(string from, int k, TimeSpan min, TimeSpan max, DateTimeOffset start)
    {
        _k = k;
        _min = min;
        _max = max;
        _start = start;
        _confirmedBy.Add(from);
        Deadline = start + (k < 1 ? min : max);
    }

    /// <summary>When the member is to be declared dead, unless it refutes first.</summary>
    public DateTimeOffset Deadline { get; private set; }

    /// <summary>Confirmations counted so far (the first accuser is not one).</summary>
    public int Confirmations { get; private set; }

    /// <summary>The confirmations expected.</summary>
    public int Expected => _k;

    /// <summary>Counts <paramref name="from"/>'s confirmation if it is new and more are expected; true if it was counted (and should be gossiped on).</summary>
    public bool Confirm(string from, DateTimeOffset now)
    {
        if (Confirmations >= _k || !_confirmedBy.Add(from))
        {
            return false;
        }

        Confirmations++;
        var remaining = Remaining(Confirmations, _k, now - _start, _min, _max);
        Deadline = remaining > TimeSpan.Zero ? now + remaining : now;
        return true;
    }

    /// <summary>Whether <see cref="Confirm"/> would count <paramref name="from"/> (without counting it).</summary>
    public bool WouldCount(ReadOnlySpan<char> from)
        => Confirmations < _k && !_confirmedBy.GetAlternateLookup<ReadOnlySpan<char>>().Contains(from);

    /// <summary>memberlist's <c>remainingSuspicionTime</c>: the timeout after <paramref name="n"/> of <paramref name="k"/> confirmations, less the time elapsed, in whole milliseconds.</summary>
    public static TimeSpan Remaining(int n, int k, TimeSpan elapsed, TimeSpan min, TimeSpan max)
    {
        var fraction = Math.Log(n + 1.0) / Math.Log(k + 1.0);
        var raw = max.TotalSeconds - (fraction * (max.TotalSeconds - min.TotalSeconds));
        var timeout = TimeSpan.FromMilliseconds(Math.Floor(1000.0 * raw));
        if (timeout < min)
        {
            timeout = min;
        }

        return timeout - elapsed;
    }
}
