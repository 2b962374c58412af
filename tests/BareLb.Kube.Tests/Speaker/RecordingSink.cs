using BareLb.Core.Addresses;
using BareLb.Kube.Speaker;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>A sink that keeps the last desired set and every call, and lets a test wait for a condition on it.</summary>
internal sealed class RecordingSink : IAnnouncementSink
{
    private readonly Lock _gate = new();
    private readonly List<IReadOnlyCollection<DesiredAnnouncement>> _calls = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<DesiredAnnouncement> Current { get; private set; } = [];

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

    public bool Announces(string address) => Current.Any(d => d.Address == IPAddr.Parse(address));

    public DesiredAnnouncement? For(string address) => Current.FirstOrDefault(d => d.Address == IPAddr.Parse(address));

    public void Apply(IReadOnlyCollection<DesiredAnnouncement> desired)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _calls.Add(desired);
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
