using BareLb.Kube.Speaker;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>The speaker loops' coalescing wake-up, under fake time: woken by a signal or by its timeout, never by an exception.</summary>
public sealed class WakeupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new();
    private readonly Wakeup _wakeup = new();

    [Fact]
    public async Task TheTimeout_EndsTheWait_WithoutAnError()
    {
        var waiting = _wakeup.WaitAsync(TimeSpan.FromMilliseconds(500), _time, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ASignal_EndsTheWait_BeforeTheTimeout()
    {
        var waiting = _wakeup.WaitAsync(TimeSpan.FromMinutes(1), _time, Ct);

        _wakeup.Set();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task SignalsBeforeAWait_WakeItOnce()
    {
        _wakeup.Set();
        _wakeup.Set();

        await _wakeup.WaitAsync(TimeSpan.FromMinutes(1), _time, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var second = _wakeup.WaitAsync(TimeSpan.FromMinutes(1), _time, Ct);

        Assert.False(second.IsCompleted);
        _wakeup.Set();
        await second.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task WithoutATimeout_OnlyASignalEndsTheWait()
    {
        var waiting = _wakeup.WaitAsync(null, _time, Ct);
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(waiting.IsCompleted);

        _wakeup.Set();

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Cancellation_EndsTheWait_WithOperationCanceled()
    {
        using var stop = new CancellationTokenSource();
        var waiting = _wakeup.WaitAsync(TimeSpan.FromMinutes(1), _time, stop.Token);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
