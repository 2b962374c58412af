using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Faults;

/// <summary>
/// Faults a test injects into a running <see cref="KubeApiServer"/>: failed requests, slow responses, cut
/// watches and compacted history.
/// </summary>
public sealed class ApiFaults
{
    private readonly Lock _gate = new();
    private readonly List<FailureRule> _failures = [];
    private readonly ObjectStore _store;
    private long _delayTicks;

    internal ApiFaults(ObjectStore store) => _store = store;

    /// <summary>How long the server waits before answering each request (zero by default).</summary>
    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>
    /// Fails the next <paramref name="count"/> requests of <paramref name="verb"/> on <paramref name="resource"/>
    /// with a <c>kind: Status</c> error of <paramref name="statusCode"/> (e.g. 409, 429, 500).
    /// </summary>
    /// <param name="verb">get, list, watch, create, update, patch, delete, deletecollection, or <c>*</c>.</param>
    /// <param name="resource">A resource name such as <c>services</c> or <c>services/status</c>, or <c>*</c>.</param>
    /// <param name="statusCode">The HTTP status of the failure.</param>
    /// <param name="count">How many requests fail.</param>
    /// <param name="message">The message of the Status body, or null for a generic one.</param>
    public void FailNext(string verb, string resource, int statusCode, int count = 1, string? message = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(verb);
        ArgumentException.ThrowIfNullOrEmpty(resource);
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        lock (_gate)
        {
            _failures.Add(new FailureRule(verb, resource, statusCode, message, count));
        }
    }

    /// <summary>Removes every pending failure.</summary>
    public void ClearFailures()
    {
        lock (_gate)
        {
            _failures.Clear();
        }
    }

    /// <summary>Ends every open watch stream, as a restarting API server or a broken connection would.</summary>
    /// <returns>The number of watches that were cut.</returns>
    public int CutWatches() => _store.CutWatches();

    /// <summary>Forgets the watch history, so that resuming a watch from any earlier resourceVersion answers 410 Gone.</summary>
    public void CompactHistory() => _store.Compact();

    internal ApiException? TakeFailure(string verb, string resource)
    {
        lock (_gate)
        {
            for (var i = 0; i < _failures.Count; i++)
            {
                var rule = _failures[i];
                if ((rule.Verb == "*" || rule.Verb == verb) && (rule.Resource == "*" || rule.Resource == resource))
                {
                    rule.Remaining--;
                    if (rule.Remaining == 0)
                    {
                        _failures.RemoveAt(i);
                    }

                    return ApiException.FromCode(rule.StatusCode, rule.Message ?? $"injected fault: {verb} {resource} fails with {rule.StatusCode}");
                }
            }
        }

        return null;
    }

    private sealed class FailureRule(string verb, string resource, int statusCode, string? message, int remaining)
    {
        public string Verb { get; } = verb;

        public string Resource { get; } = resource;

        public int StatusCode { get; } = statusCode;

        public string? Message { get; } = message;

        public int Remaining { get; set; } = remaining;
    }
}
