using System.Collections.Concurrent;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Informers;

/// <summary>
/// Keeps a cache of one kind of object in step with the API server, as client-go's informers do
/// (KubernetesClient ships none): list in pages (<c>limit</c> and <c>continue</c>; a continue token
/// that expired meanwhile, 410, means one list without paging, as client-go's pager does), then
/// watch from the list's resourceVersion with bookmarks (objects are kept without their managedFields); after a watch ends or is cut, watch again
/// from the last version seen (at once after a watch that delivered something, else after a jittered
/// backoff that doubles, so a server that closes every watch at once is not hammered); on 410 Gone,
/// list again and report what changed meanwhile (deletions included); on errors, retry with
/// jittered exponential backoff; a watchdog reopens a watch that has gone silent. Subscribers see
/// every change in order, on the informer's own task; a subscriber that throws is logged and the
/// others still see the change (its failure is not a watch failure, so nothing is lost or replayed).
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
internal sealed class Informer<T> : IAsyncDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatch<T> _source;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _kind;
    private readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly List<Action<InformerChange<T>>> _subscribers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _lists;
    private long _watches;

    /// <summary>Creates an informer; call <see cref="Start"/> after subscribing.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public Informer(IListWatch<T> source, InformerOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _options = options ?? new InformerOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _kind = typeof(T).Name;
    }

    /// <summary>Whether the first list has been loaded.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>The last resourceVersion seen (from a list, an event or a bookmark).</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>How many times the informer has listed (1 after start, more after 410s).</summary>
    public long ListCount => Interlocked.Read(ref _lists);

    /// <summary>How many watches the informer has opened.</summary>
    public long WatchCount => Interlocked.Read(ref _watches);

    /// <summary>The cached objects.</summary>
    public IReadOnlyCollection<T> Objects => [.. _cache.Values];

    /// <summary>Registers a subscriber; it sees changes from then on. Call before <see cref="Start"/> to see the initial list.</summary>
    public void Subscribe(Action<InformerChange<T>> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_subscribers)
        {
            _subscribers.Add(onChange);
        }
    }

    /// <summary>The cached object of a key ("namespace/name", or "name" for cluster objects).</summary>
    public T? Get(string key) => _cache.GetValueOrDefault(key);

    /// <summary>Starts listing and watching in the background.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Waits until the first list has been loaded.</summary>
    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var backoff = _options.InitialBackoff;
        var mustList = true;
        while (!stop.IsCancellationRequested)
        {
            var operation = mustList ? "list" : "watch";
            try
            {
                if (mustList)
                {
                    await ListAsync(stop).ConfigureAwait(false);
                    mustList = false;
                    backoff = _options.InitialBackoff;
                }

                var (outcome, delivered) = await WatchAsync(stop).ConfigureAwait(false);
                if (delivered)
                {
                    backoff = _options.InitialBackoff;
                }

                if (outcome == WatchOutcome.Gone)
                {
                    InformerLog.Gone(_logger, _kind, ResourceVersion ?? "");
                    mustList = true;
                    continue;
                }

                if (outcome == WatchOutcome.Failed)
                {
                    throw new InvalidOperationException("the watch stream reported an error");
                }

                if (!delivered)
                {
                    // Ended without delivering anything (a server closing watches at once, a silent watch): wait before reopening.
                    if (!await WaitAsync(Jittered(backoff), stop).ConfigureAwait(false))
                    {
                        return;
                    }

                    backoff = Doubled(backoff);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                InformerLog.Gone(_logger, _kind, ResourceVersion ?? "");
                mustList = true;
            }
            catch (Exception e)
            {
                var delay = Jittered(backoff);
                InformerLog.Failed(_logger, _kind, operation, delay, e);
                if (!await WaitAsync(delay, stop).ConfigureAwait(false))
                {
                    return;
                }

                backoff = Doubled(backoff);
            }
        }
    }

    // The backoff plus up to half again, so that many informers (and many replicas) do not retry in step.
    private static TimeSpan Jittered(TimeSpan backoff) => backoff + (backoff * (Random.Shared.NextDouble() / 2));

    private TimeSpan Doubled(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));

    // False when stopped while waiting.
    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, _time, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ListAsync(CancellationToken stop)
    {
        var items = new List<T>();
        string? resourceVersion = null;
        string? next = null;
        do
        {
            ListResult<T> page;
            try
            {
                page = await _source.ListPageAsync(_options.PageSize, next, stop).ConfigureAwait(false);
            }
            catch (Exception e) when (next is not null && IsGone(e))
            {
                // The continue token expired between pages: list everything at once instead, as client-go's pager does.
                InformerLog.ContinueExpired(_logger, _kind, items.Count);
                items.Clear();
                page = await _source.ListAsync(stop).ConfigureAwait(false);
                resourceVersion = null;
            }

            items.AddRange(page.Items);
            resourceVersion ??= page.ResourceVersion; // the first page's: every later change is seen by the watch
            next = string.IsNullOrEmpty(page.Continue) ? null : page.Continue;
        }
        while (next is not null);

        Interlocked.Increment(ref _lists);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = ObjectKeys.Of(item);
            seen.Add(key);
            Upsert(key, item);
        }

        foreach (var (key, old) in _cache)
        {
            if (!seen.Contains(key) && _cache.TryRemove(key, out _))
            {
                Notify(new InformerChange<T>(InformerChangeType.Deleted, key, old));
            }
        }

        ResourceVersion = resourceVersion;
        InformerLog.Listed(_logger, _kind, items.Count, resourceVersion ?? "");
        _synced.TrySetResult();
    }

    // The outcome, and whether the watch delivered anything (an event or a bookmark).
    private async Task<(WatchOutcome Outcome, bool Delivered)> WatchAsync(CancellationToken stop)
    {
        Interlocked.Increment(ref _watches);

        // The watchdog is the token source's own timer (on our TimeProvider): it cancels safely even when it fires as
        // the watch ends, where a separate timer's callback could cancel a disposed source on a thread pool thread.
        using var watchdog = new CancellationTokenSource(_options.WatchdogTimeout, _time);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(stop, watchdog.Token);
        Exception? streamError = null;
        var delivered = false;
        try
        {
            await foreach (var (type, item) in _source.WatchAsync(ResourceVersion ?? "", e => streamError ??= e, watch.Token).ConfigureAwait(false))
            {
                watchdog.CancelAfter(_options.WatchdogTimeout);
                delivered = true;
                if (item?.Metadata?.ResourceVersion is { Length: > 0 } version)
                {
                    ResourceVersion = version;
                }

                switch (type)
                {
                    case WatchEventType.Added or WatchEventType.Modified:
                        Upsert(ObjectKeys.Of(item!), item!);
                        break;
                    case WatchEventType.Deleted:
                        item!.Metadata?.ManagedFields = null;
                        var key = ObjectKeys.Of(item!);
                        _cache.TryRemove(key, out _);
                        Notify(new InformerChange<T>(InformerChangeType.Deleted, key, item!));
                        break;
                    default:
                        break; // bookmarks only move the resourceVersion
                }
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            InformerLog.Silent(_logger, _kind, _options.WatchdogTimeout);
            return (WatchOutcome.Ended, delivered);
        }

        return (streamError switch
        {
            null => WatchOutcome.Ended,
            _ when IsGone(streamError) => WatchOutcome.Gone,
            _ => WatchOutcome.Failed,
        }, delivered);
    }

    private void Upsert(string key, T item)
    {
        // managedFields (server-side apply's bookkeeping, often more than the rest of the object) is of no use to
        // BareLb; controller-runtime drops it from its caches too. An update that omits it leaves it as it is.
        item.Metadata?.ManagedFields = null;
        var existed = _cache.TryGetValue(key, out var old);
        _cache[key] = item;
        if (!existed)
        {
            Notify(new InformerChange<T>(InformerChangeType.Added, key, item));
        }
        else if (!string.Equals(old!.Metadata?.ResourceVersion, item.Metadata?.ResourceVersion, StringComparison.Ordinal))
        {
            Notify(new InformerChange<T>(InformerChangeType.Modified, key, item));
        }
    }

    private void Notify(InformerChange<T> change)
    {
        Action<InformerChange<T>>[] subscribers;
        lock (_subscribers)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber(change);
            }
#pragma warning disable CA1031 // A subscriber's bug must not stop the others from seeing the change, nor count as a watch failure.
            catch (Exception e)
#pragma warning restore CA1031
            {
                InformerLog.SubscriberFailed(_logger, _kind, change.Type.ToString(), change.Key, e);
            }
        }
    }

    private static bool IsGone(Exception e) => e switch
    {
        HttpOperationException http => http.Response?.StatusCode == HttpStatusCode.Gone,
        KubernetesException k8s => k8s.Status?.Code == 410,
        _ => false,
    };

    private enum WatchOutcome
    {
        Ended,
        Gone,
        Failed,
    }
}
