using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BareLb.Kube.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Kube.Tests.Informers;

/// <summary>The informer under faults of its own making: a subscriber that throws, watches that end at once, a watchdog that fires late.</summary>
public sealed class InformerFaultTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASubscriberThatThrows_IsLogged_AndNeitherOtherSubscribersNorLaterChangesLoseAnything()
    {
        var source = new ScriptedListWatch([Service("one", "1")]);
        using var logs = new ListLoggerFactory();
        await using var informer = new Informer<V1Service>(source, logger: logs.CreateLogger("informer"));
        var seenByOthers = new ConcurrentQueue<string>();
        informer.Subscribe(change =>
        {
            if (change.Key == "apps/two")
            {
                throw new InvalidOperationException("subscriber bug");
            }
        });
        informer.Subscribe(change => seenByOthers.Enqueue($"{change.Type} {change.Key}"));
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        source.Send(WatchEventType.Added, Service("two", "2"));
        source.Send(WatchEventType.Added, Service("three", "3"));

        await Eventually.TrueAsync(() => seenByOthers.Contains("Added apps/three"), "the change after the throwing one is delivered");
        Assert.Equal(["Added apps/one", "Added apps/two", "Added apps/three"], seenByOthers);
        Assert.Equal(1, informer.WatchCount); // the subscriber's bug is not a watch failure: no re-watch
        Assert.Contains(logs.Entries, e => e.Exception is InvalidOperationException && e.Text.Contains("apps/two", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WatchesThatEndAtOnce_AreReopenedWithGrowingJitteredBackoff_ResetByAWatchThatDelivers()
    {
        var time = new DelayRecordingTime();
        var source = new ScriptedListWatch([Service("one", "1")], time) { EndAtOnce = true };
        source.DeliverOnWatch(4, Service("two", "2"));
        await using var informer = new Informer<V1Service>(source, new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(30) }, time);
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        // Each empty watch is followed by a wait of the backoff plus up to half again of jitter, doubling each time.
        foreach (var (watches, low) in new[] { (1, 200), (2, 400), (3, 800) })
        {
            await Eventually.TrueAsync(() => source.Opened.Count == watches && time.Delays.Count == watches, $"watch {watches} ended and the informer waits");
            var delay = time.Delays.Last();
            Assert.InRange(delay.TotalMilliseconds, low, low * 1.5);
            time.Advance(delay);
        }

        // The fourth watch delivered an event: the fifth opens at once, and after it the backoff starts again.
        await Eventually.TrueAsync(() => source.Opened.Count == 5 && time.Delays.Count == 4, "watch 5 opened at once and ended");
        Assert.InRange(time.Delays.Last().TotalMilliseconds, 200, 300);
        Assert.Equal(2, informer.Objects.Count);
    }

    [Fact]
    public async Task TheWatchdogFiringAfterTheWatchEnded_DoesNotThrowOnATimerThread()
    {
        var time = new LateTimerProvider();
        var source = new ScriptedListWatch([Service("one", "1")]) { EndAtOnce = true };
        await using var informer = new Informer<V1Service>(source, new InformerOptions { InitialBackoff = TimeSpan.FromSeconds(30) }, time);
        informer.Start();
        await Eventually.TrueAsync(() => !source.Opened.IsEmpty && informer.WatchCount >= 1, "a watch opened and ended");
        await Eventually.TrueAsync(() => !time.Callbacks.IsEmpty, "a watchdog timer was created");

        // A timer callback that was already queued when the watch ended runs now, after its token source was disposed.
        await Task.Delay(0, Ct);
        foreach (var (callback, state) in time.Callbacks)
        {
            var fired = Record.Exception(() => callback(state));
            Assert.Null(fired);
        }
    }

    [Fact]
    public async Task ManagedFields_AreNotKept_FromTheListOrTheWatch()
    {
        var source = new ScriptedListWatch([WithManagedFields(Service("one", "1"))]);
        await using var informer = new Informer<V1Service>(source);
        var changes = new ConcurrentQueue<InformerChange<V1Service>>();
        informer.Subscribe(changes.Enqueue);
        informer.Start();
        await informer.WaitForSyncAsync(Ct);

        source.Send(WatchEventType.Added, WithManagedFields(Service("two", "2")));
        source.Send(WatchEventType.Modified, WithManagedFields(Service("one", "3")));
        source.Send(WatchEventType.Deleted, WithManagedFields(Service("two", "4")));

        await Eventually.TrueAsync(() => changes.Count == 4, "the list and three watch events are delivered");
        Assert.All(changes, c => Assert.Null(c.Item.Metadata.ManagedFields));
        Assert.All(informer.Objects, o => Assert.Null(o.Metadata.ManagedFields));
        Assert.Equal("one", Assert.Single(informer.Objects).Metadata.Name);
    }

    private static V1Service WithManagedFields(V1Service service)
    {
        service.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl-client-side-apply", Operation = "Update", FieldsType = "FieldsV1", ApiVersion = "v1" }];
        return service;
    }

    private static V1Service Service(string name, string resourceVersion) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "apps", ResourceVersion = resourceVersion },
    };

    /// <summary>A fake clock that records the due time of every timer shorter than a minute (the informer's backoff waits, not its watchdog).</summary>
    private sealed class DelayRecordingTime() : FakeTimeProvider(DateTimeOffset.UnixEpoch)
    {
        public ConcurrentQueue<TimeSpan> Delays { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.Zero && dueTime < TimeSpan.FromMinutes(1))
            {
                Delays.Enqueue(dueTime);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>The system clock, but it keeps every timer's callback so a test can run it late, as a thread pool may.</summary>
    private sealed class LateTimerProvider : TimeProvider
    {
        public ConcurrentQueue<(TimerCallback Callback, object? State)> Callbacks { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Callbacks.Enqueue((callback, state));
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>Lists fixed objects; each watch delivers what the test sends, or (EndAtOnce) ends at once.</summary>
    private sealed class ScriptedListWatch(IReadOnlyList<V1Service> items, TimeProvider? time = null) : IListWatch<V1Service>
    {
        private readonly System.Threading.Channels.Channel<(WatchEventType, V1Service)> _events = System.Threading.Channels.Channel.CreateUnbounded<(WatchEventType, V1Service)>();
        private readonly ConcurrentDictionary<int, V1Service> _deliverOnWatch = new();

        public bool EndAtOnce { get; init; }

        public ConcurrentQueue<DateTimeOffset> Opened { get; } = new();

        public void Send(WatchEventType type, V1Service item) => _events.Writer.TryWrite((type, item));

        public void DeliverOnWatch(int watch, V1Service item) => _deliverOnWatch[watch] = item;

        public Task<ListResult<V1Service>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(new ListResult<V1Service>(items, "1"));

        public async IAsyncEnumerable<(WatchEventType Type, V1Service Object)> WatchAsync(string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Opened.Enqueue((time ?? TimeProvider.System).GetUtcNow());
            if (_deliverOnWatch.TryGetValue(Opened.Count, out var item))
            {
                yield return (WatchEventType.Added, item);
            }

            if (EndAtOnce)
            {
                yield break;
            }

            await foreach (var e in _events.Reader.ReadAllAsync(cancellationToken))
            {
                yield return e;
            }
        }
    }
}
