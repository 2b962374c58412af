using BareLb.Core.Addresses;
using BareLb.Kube.Speaker;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>A sink that keeps the last desired set and every call, and lets a test wait for a condition on it.</summary>
internal sealed class RecordingSink : IAnnouncementSink
{
    private readonly Lock _gate = new();
    private readonly List<IReadOnlyCollection<DesiredAnnouncement>> _calls = [];
    private readonly List<(long At, bool Announced)> _history = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<DesiredAnnouncement> Current { get; private set; } = [];

    /// <summary>The node's interfaces the sink reports; null (the default) reports none, so nothing is checked.</summary>
    public IReadOnlySet<string>? NodeInterfaces { get; init; }

    public int Calls
    {
        get
        {
            lock (_gate)
            {
                return _calls.Count;
            }
        }
    }

    /// <summary>When this sink last started announcing something, and when it last stopped (Stopwatch timestamps), or null.</summary>
    public (long? Started, long? Stopped) LastChange()
    {
        lock (_gate)
        {
            long? started = null, stopped = null;
            for (var i = 0; i < _history.Count; i++)
            {
                var wasAnnouncing = i > 0 && _history[i - 1].Announced;
                if (_history[i].Announced && !wasAnnouncing)
                {
                    started = _history[i].At;
                }
                else if (!_history[i].Announced && wasAnnouncing)
                {
                    stopped = _history[i].At;
                }
            }

            return (started, stopped);
        }
    }

    /// <summary>How many times the speaker asked for a fresh burst of what it announces.</summary>
    public int Reannounced => Volatile.Read(ref _reannounced);

    private int _reannounced;

    public void Reannounce() => Interlocked.Increment(ref _reannounced);

    public bool Announces(string address) => Current.Any(d => d.Address == IPAddr.Parse(address));

    public DesiredAnnouncement? For(string address) => Current.FirstOrDefault(d => d.Address == IPAddr.Parse(address));

    public void Apply(IReadOnlyCollection<DesiredAnnouncement> desired)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _calls.Add(desired);
            _history.Add((System.Diagnostics.Stopwatch.GetTimestamp(), desired.Count > 0));
            Current = desired;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits until <paramref name="condition"/> holds on the current set.</summary>
    public async Task WaitAsync(Func<IReadOnlyCollection<DesiredAnnouncement>, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (condition(Current))
                {
                    return;
                }

                next = _changed.Task;
            }

            await next.WaitAsync(cts.Token);
        }
    }
}
