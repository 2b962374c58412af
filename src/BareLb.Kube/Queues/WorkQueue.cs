namespace BareLb.Kube.Queues;

/// <summary>
/// A de-duplicating, rate-limited work queue for reconcilers: a key added many times while it
/// waits is handed out once; a key added while it is being processed is handed out again after
/// <see cref="Done"/>, never to two workers at once; a key that failed comes back after a delay
/// that doubles with each failure until <see cref="Forget"/>. Time comes from a <see cref="TimeProvider"/>.
/// </summary>
/// <typeparam name="TKey">The key, e.g. "namespace/name".</typeparam>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "client-go's name, which every controller author knows.")]
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeProvider _time;
    private readonly WorkQueueOptions _options;
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private int _delayed;

    /// <summary>Creates a queue.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public WorkQueue(TimeProvider? timeProvider = null, WorkQueueOptions? options = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new WorkQueueOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }
    }

    /// <summary>Keys waiting to be handed out.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether <see cref="ShutDown"/> was called.</summary>
    public bool IsShuttingDown => _shutdown.IsCancellationRequested;

    /// <summary>Adds a key; a no-op when it already waits.</summary>
    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shutdown.IsCancellationRequested || !_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>Adds a key after a delay.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        _ = AddLaterAsync(key, delay);
    }

    /// <summary>Adds a key after its backoff delay, which doubles with each call until <see cref="Forget"/>; returns the delay.</summary>
    public TimeSpan AddRateLimited(TKey key)
    {
        int failures;
        lock (_gate)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var delay = Backoff(failures);
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>The number of failures recorded for a key since its last <see cref="Forget"/>.</summary>
    public int Failures(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Clears a key's failures, so its next failure waits the base delay again.</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>
    /// Waits for the next key and marks it as being processed; the caller must call
    /// <see cref="Done"/> with it. Returns false once the queue is shut down and drained.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public async Task<(bool Ok, TKey Key)> TakeAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        while (true)
        {
            try
            {
                await _available.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Shut down: hand out what is left, then report the end.
            }

            lock (_gate)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return (true, key);
                }

                if (_shutdown.IsCancellationRequested)
                {
                    return (false, default!);
                }
            }
        }
    }

    /// <summary>Marks a key as processed; if it was added again meanwhile, it waits once more.</summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (!_dirty.Contains(key))
            {
                ReleaseIdleWaiters();
                return;
            }

            _queue.Enqueue(key);
        }

        _available.Release();
    }

    /// <summary>
    /// Completes when the queue is idle: no key waits, none is being processed and no delayed or rate-limited add is
    /// pending. Already completed when the queue is idle now.
    /// </summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (IsIdle)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops accepting keys; waiting takers get what is left, then false.</summary>
    public void ShutDown() => _shutdown.Cancel();

    /// <inheritdoc/>
    public void Dispose()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
        _available.Dispose();
    }

    private TimeSpan Backoff(int failures)
    {
        var exponent = Math.Min(failures - 1, 40);
        var ticks = _options.BaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= _options.MaxDelay.Ticks ? _options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    // Under _gate.
    private bool IsIdle => _queue.Count == 0 && _processing.Count == 0 && _delayed == 0;

    // Under _gate: completes the idle waiters when the queue is idle.
    private void ReleaseIdleWaiters()
    {
        if (_idleWaiters.Count == 0 || !IsIdle)
        {
            return;
        }

        foreach (var waiter in _idleWaiters)
        {
            waiter.TrySetResult();
        }

        _idleWaiters.Clear();
    }

    private async Task AddLaterAsync(TKey key, TimeSpan delay)
    {
        lock (_gate)
        {
            _delayed++;
        }

        try
        {
            await Task.Delay(delay, _time, _shutdown.Token).ConfigureAwait(false);
            Add(key);
        }
        catch (OperationCanceledException)
        {
            // Shut down before the delay ended: the key is dropped with the queue.
        }
        catch (ObjectDisposedException)
        {
            // Disposed before the delay ended.
        }
        finally
        {
            lock (_gate)
            {
                _delayed--;
                ReleaseIdleWaiters();
            }
        }
    }
}
