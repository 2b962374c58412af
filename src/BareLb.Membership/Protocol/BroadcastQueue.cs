namespace BareLb.Membership.Protocol;

/// <summary>
/// memberlist's <c>TransmitLimitedQueue</c> for membership news: one pending message per member
/// (a newer message about a member replaces the older one), each sent at most
/// <c>RetransmitMult * ceil(log10(n + 1))</c> times, the least sent first and, among those, the
/// largest that still fits the packet.
/// </summary>
internal sealed class BroadcastQueue
{
    private static readonly Comparison<Entry> SendOrder = static (a, b) =>
        a.Transmits != b.Transmits ? a.Transmits.CompareTo(b.Transmits)
        : a.Size != b.Size ? b.Size.CompareTo(a.Size)
        : b.Id.CompareTo(a.Id);

    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byNode = new(StringComparer.Ordinal);
    private long _nextId;

    /// <summary>Messages waiting to be sent.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Queues <paramref name="message"/> (of <paramref name="size"/> bytes encoded) about
    /// <paramref name="node"/>, replacing any pending message about the same member;
    /// <paramref name="finished"/> runs when the message has been sent its last time or was replaced.
    /// </summary>
    public void Enqueue(string node, object message, int size, Action? finished = null)
    {
        if (_byNode.Remove(node, out var old))
        {
            _entries.Remove(old);
            old.Finished?.Invoke();
        }

        var entry = new Entry(node, message, size, ++_nextId, finished);
        _entries.Add(entry);
        _byNode.Add(node, entry);
    }

    /// <summary>The pending message about <paramref name="node"/>, if any (for tests and diagnostics).</summary>
    public object? Pending(string node) => _byNode.TryGetValue(node, out var entry) ? entry.Message : null;

    /// <summary>How often the pending message about <paramref name="node"/> has been sent, -1 when none is pending.</summary>
    public int TransmitsOf(string node) => _byNode.TryGetValue(node, out var entry) ? entry.Transmits : -1;

    /// <summary>
    /// Takes the messages to send in one packet: each costs its size plus <paramref name="overhead"/>,
    /// within <paramref name="limit"/> bytes in all; each taken message counts one transmission and
    /// leaves the queue at <paramref name="transmitLimit"/>. Appends them to <paramref name="into"/>;
    /// returns how many were taken.
    /// </summary>
    public int Take(int overhead, int limit, int transmitLimit, List<object> into)
    {
        if (_entries.Count == 0)
        {
            return 0;
        }

        _entries.Sort(SendOrder);
        var used = 0;
        var taken = 0;
        List<Entry>? finished = null;
        foreach (var entry in _entries)
        {
            var free = limit - used - overhead;
            if (free <= 0)
            {
                break;
            }

            if (entry.Size > free)
            {
                continue;
            }

            used += overhead + entry.Size;
            into.Add(entry.Message);
            taken++;
            entry.Transmits++;
            if (entry.Transmits >= transmitLimit)
            {
                (finished ??= []).Add(entry);
            }
        }

        if (finished is not null)
        {
            foreach (var entry in finished)
            {
                _entries.Remove(entry);
                _byNode.Remove(entry.Node);
                entry.Finished?.Invoke();
            }
        }

        return taken;
    }

    private sealed class Entry(string node, object message, int size, long id, Action? finished)
    {
        public string Node { get; } = node;

        public object Message { get; } = message;

        public int Size { get; } = size;

        public long Id { get; } = id;

        public Action? Finished { get; } = finished;

        public int Transmits { get; set; }
    }
}
