namespace BareLb.Membership.Protocol;

/// <summary>
/// Lifeguard's local health awareness (memberlist's <c>awareness</c>): a score from 0 (healthy)
/// to <c>max - 1</c> that rises when the local member misses acks, misses nacks it expected, or
/// has to refute, and falls with each successful probe; timeouts are multiplied by <c>score + 1</c>.
/// </summary>
internal sealed class Awareness(int max)
{
    private readonly int _max = max;

    /// <summary>The current score, 0 when healthy.</summary>
    public int Score { get; private set; }

    /// <summary>Adds <paramref name="delta"/>, keeping the score within 0 and <c>max - 1</c>.</summary>
    public void ApplyDelta(int delta) => Score = Math.Clamp(Score + delta, 0, _max - 1);

    /// <summary><paramref name="timeout"/> multiplied by <c>score + 1</c>.</summary>
    public TimeSpan Scale(TimeSpan timeout) => timeout * (Score + 1);
}
