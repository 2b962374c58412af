namespace BareLb.Kube.Speaker;

/// <summary>
/// The API server as tie-breaker when the membership is split (memberlist traffic blocked, API server reachable).
/// A renewal of another node's ServiceL2Status (a new <c>barelb.io/renewed</c> stamp), as this node's watch delivers
/// it, is evidence that that node's speaker is alive. A node that the membership does not show alive still counts as
/// a live speaker while one of its ServiceL2Status objects has been renewed after this node lost it from the
/// membership (or, for a node never seen alive here, after this speaker started) and within <see cref="Window"/>;
/// announcers on both sides renew while they miss a member, so each side counts the other and both elect the same
/// node. Other writes are no evidence: a node that left gracefully stops writing, but a status it wrote just before
/// it left can arrive after, and must not bring it back. A node that is really gone stops renewing, its evidence runs
/// out after <see cref="Window"/>, and its addresses are taken over. Times are this node's own monotonic timestamps
/// (arrival of watch events), never another node's clock. Thread-safe.
/// </summary>
internal sealed class SplitBrainEvidence
{
    private readonly Lock _gate = new();
    private readonly string _myNode;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly Dictionary<string, long> _lostAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _nodeChangedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _objectChangedAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _stamps = new(StringComparer.Ordinal);
    private HashSet<string>? _live;
    private long _competitorAt;
    private bool _competitorSeen;

    /// <summary>Creates the tracker.</summary>
    /// <param name="myNode">This node (its own statuses are no evidence).</param>
    /// <param name="window">How long one observed change counts as evidence.</param>
    /// <param name="linger">How long this node keeps renewing after it saw another node's status for a Service it announces.</param>
    /// <param name="time">The clock.</param>
    public SplitBrainEvidence(string myNode, TimeSpan window, TimeSpan linger, TimeProvider time)
    {
        _myNode = myNode;
        Window = window;
        Linger = linger;
        _time = time;
        _start = time.GetTimestamp();
    }

    /// <summary>How long one observed change counts as evidence.</summary>
    public TimeSpan Window { get; }

    /// <summary>How long renewing goes on after a competing status was seen.</summary>
    public TimeSpan Linger { get; }

    /// <summary>Takes the membership's live set: a node that leaves it is lost now; one that joins it is no longer lost.</summary>
    public void ObserveMembership(IReadOnlySet<string>? live)
    {
        lock (_gate)
        {
            if (live is null)
            {
                _live = null;
                _lostAt.Clear();
                return;
            }

            var now = _time.GetTimestamp();
            if (_live is not null)
            {
                foreach (var node in _live)
                {
                    if (!live.Contains(node))
                    {
                        _lostAt[node] = now;
                    }
                }
            }

            foreach (var node in live)
            {
                _lostAt.Remove(node);
            }

            _live = [.. live];
        }
    }

    /// <summary>A ServiceL2Status listed before the caches synced: its renewal stamp is the past, not evidence.</summary>
    public void ObserveExisting(string objectKey, string? renewed)
    {
        lock (_gate)
        {
            Remember(objectKey, renewed);
        }
    }

    /// <summary>
    /// A ServiceL2Status was created or changed (after the caches synced). Any change marks the object fresh; a new
    /// renewal stamp (<paramref name="renewed"/>) is also evidence for its node. Returns whether it was a renewal.
    /// </summary>
    public bool ObserveStatusChange(string objectKey, string? node, string? renewed)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _objectChangedAt[objectKey] = now;
            if (!Remember(objectKey, renewed))
            {
                return false;
            }

            if (node is not null && !string.Equals(node, _myNode, StringComparison.Ordinal))
            {
                _nodeChangedAt[node] = now;
            }

            return true;
        }
    }

    /// <summary>A ServiceL2Status went away.</summary>
    public void ObserveStatusDeleted(string objectKey)
    {
        lock (_gate)
        {
            _objectChangedAt.Remove(objectKey);
            _stamps.Remove(objectKey);
        }
    }

    /// <summary>Another node's status appeared or changed for a Service this node announces: renew at once, and for <see cref="Linger"/>.</summary>
    public void ObserveCompetitor()
    {
        lock (_gate)
        {
            _competitorAt = _time.GetTimestamp();
            _competitorSeen = true;
        }
    }

    /// <summary>The nodes outside <paramref name="live"/> that the API server shows alive now.</summary>
    public IReadOnlySet<string> AliveByApi(IEnumerable<string> nodes, IReadOnlySet<string> live)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(live);
        var alive = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var node in nodes)
            {
                if (!live.Contains(node) && IsEvidenced(node))
                {
                    alive.Add(node);
                }
            }
        }

        return alive;
    }

    /// <summary>When the earliest current evidence runs out (to decide again then), or null when there is none.</summary>
    public TimeSpan? NextExpiry()
    {
        lock (_gate)
        {
            TimeSpan? next = null;
            foreach (var node in _nodeChangedAt.Keys)
            {
                if (IsEvidenced(node))
                {
                    var left = Window - _time.GetElapsedTime(_nodeChangedAt[node]);
                    next = next is null || left < next ? left : next;
                }
            }

            return next;
        }
    }

    /// <summary>Whether a status object changed within <see cref="Window"/> (its writer is alive; not to be cleaned up).</summary>
    public bool IsFresh(string objectKey)
    {
        lock (_gate)
        {
            return _objectChangedAt.TryGetValue(objectKey, out var at) && _time.GetElapsedTime(at) < Window;
        }
    }

    /// <summary>Whether a status object changed after <paramref name="timestamp"/> (a timestamp of the same clock).</summary>
    public bool ChangedSince(string objectKey, long timestamp)
    {
        lock (_gate)
        {
            return _objectChangedAt.TryGetValue(objectKey, out var at) && at > timestamp;
        }
    }

    /// <summary>
    /// Whether this node should keep its statuses changing: it misses a member whose node is still up
    /// (<paramref name="isUp"/>), or it counts a node through the API, or it saw a competing status within <see cref="Linger"/>.
    /// </summary>
    public bool ShouldRenew(Func<string, bool> isUp)
    {
        ArgumentNullException.ThrowIfNull(isUp);
        lock (_gate)
        {
            if (_live is null)
            {
                return false;
            }

            if (_competitorSeen && _time.GetElapsedTime(_competitorAt) < Linger)
            {
                return true;
            }

            foreach (var node in _lostAt.Keys)
            {
                if (isUp(node))
                {
                    return true;
                }
            }

            foreach (var node in _nodeChangedAt.Keys)
            {
                if (IsEvidenced(node))
                {
                    return true;
                }
            }

            return false;
        }
    }

    // Keeps the object's renewal stamp; true when it is one not seen before (a renewal).
    private bool Remember(string objectKey, string? renewed)
    {
        if (renewed is null || (_stamps.TryGetValue(objectKey, out var known) && string.Equals(known, renewed, StringComparison.Ordinal)))
        {
            return false;
        }

        _stamps[objectKey] = renewed;
        return true;
    }

    private bool IsEvidenced(string node)
    {
        if (_live is null || _live.Contains(node) || !_nodeChangedAt.TryGetValue(node, out var changed))
        {
            return false;
        }

        var lost = _lostAt.TryGetValue(node, out var at) ? at : _start;
        return changed > lost && _time.GetElapsedTime(changed) < Window;
    }
}
