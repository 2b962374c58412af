using System.Net;
using BareLb.Lab.Capture;

namespace BareLb.Lab.Soak;

/// <summary>
/// The rule that one address is answered by one node: two different MACs claiming an address
/// (ARP replies, gratuitous ARPs, neighbour advertisements) within <see cref="Simultaneity"/> of
/// each other is a conflict, unless either claim falls in a hand-over window (a step of the soak
/// and the moments after it, when the old and the new owner may both speak).
/// </summary>
internal sealed class AnswerInvariant
{
    private readonly List<(DateTimeOffset Start, DateTimeOffset End)> _handOvers = [];

    /// <param name="simultaneity">How close two claims must be to count as "at once".</param>
    public AnswerInvariant(TimeSpan simultaneity) => Simultaneity = simultaneity;

    /// <summary>How close two claims must be to count as "at once".</summary>
    public TimeSpan Simultaneity { get; }

    /// <summary>Excuses claims between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public void AddHandOver(DateTimeOffset start, DateTimeOffset end) => _handOvers.Add((start, end));

    /// <summary>Whether <paramref name="time"/> falls in a hand-over window.</summary>
    public bool InHandOver(DateTimeOffset time) => _handOvers.Any(w => time >= w.Start && time <= w.End);

    /// <summary>Every conflict among <paramref name="answers"/>, in time order.</summary>
    public IReadOnlyList<AnswerConflict> Conflicts(IEnumerable<NeighbourAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var conflicts = new List<AnswerConflict>();
        foreach (var byAddress in answers.GroupBy(a => a.Address))
        {
            var latest = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
            foreach (var answer in byAddress.OrderBy(a => a.Time))
            {
                if (!InHandOver(answer.Time))
                {
                    foreach (var (mac, time) in latest)
                    {
                        if (!string.Equals(mac, answer.Mac, StringComparison.OrdinalIgnoreCase) && answer.Time - time <= Simultaneity && !InHandOver(time))
                        {
                            conflicts.Add(new AnswerConflict(answer.Address, mac, time, answer.Mac, answer.Time));
                        }
                    }
                }

                latest[answer.Mac] = answer.Time;
            }
        }

        return [.. conflicts.OrderBy(c => c.SecondTime)];
    }

    /// <summary>The conflicts of one address only (for tests and reports).</summary>
    public IReadOnlyList<AnswerConflict> Conflicts(IEnumerable<NeighbourAnswer> answers, IPAddress address)
        => Conflicts(answers.Where(a => a.Address.Equals(address)));
}
