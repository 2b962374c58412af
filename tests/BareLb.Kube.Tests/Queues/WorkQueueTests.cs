using BareLb.Kube.Queues;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Kube.Tests.Queues;

public sealed class WorkQueueTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKeyAddedTwiceWhileWaiting_IsHandedOutOnce()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ns/a");
        queue.Add("ns/a");
        queue.Add("ns/b");
        Assert.Equal(2, queue.Count);
        Assert.Equal("ns/a", (await queue.TakeAsync(Ct)).Key);
        Assert.Equal("ns/b", (await queue.TakeAsync(Ct)).Key);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task AKeyAddedWhileBeingProcessed_WaitsUntilDone_ThenComesBackOnce()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("ns/a");
        var (_, key) = await queue.TakeAsync(Ct);
        queue.Add("ns/a");
        queue.Add("ns/a");
        Assert.Equal(0, queue.Count); // not handed to a second worker while the first holds it
        queue.Done(key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("ns/a", (await queue.TakeAsync(Ct)).Key);
    }

    [Fact]
    public async Task Failures_BackOffExponentially_UntilForgotten()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time, new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(35) });
        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.AddRateLimited("k"));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntil(() => queue.Count == 1);
        var (_, key) = await queue.TakeAsync(Ct);
        queue.Done(key);

        Assert.Equal(TimeSpan.FromMilliseconds(20), queue.AddRateLimited("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(35), queue.AddRateLimited("k"));
        Assert.Equal(3, queue.Failures("k"));
        queue.Forget("k");
        Assert.Equal(TimeSpan.FromMilliseconds(10), queue.AddRateLimited("k"));
    }

    [Fact]
    public async Task ShutDown_DrainsThenReportsTheEnd()
    {
        using var queue = new WorkQueue<string>();
        queue.Add("last");
        var waiting = queue.TakeAsync(Ct);
        Assert.Equal("last", (await waiting).Key);
        var blocked = queue.TakeAsync(Ct);
        queue.ShutDown();
        Assert.False((await blocked).Ok);
        queue.Add("ignored");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void InvalidOptions_AreRefusedAtStart()
    {
        var error = Assert.Throws<ArgumentException>(() => new WorkQueue<string>(options: new WorkQueueOptions { BaseDelay = TimeSpan.Zero }));
        Assert.Contains("BaseDelay must be positive", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task WhenIdle_WaitsForWaitingProcessingAndScheduledKeys()
    {
        var time = new FakeTimeProvider();
        using var queue = new WorkQueue<string>(time);
        Assert.True(queue.WhenIdleAsync(Ct).IsCompleted);

        queue.Add("ns/a");
        var idle = queue.WhenIdleAsync(Ct);
        var (_, key) = await queue.TakeAsync(Ct);
        Assert.False(idle.IsCompleted); // being processed
        queue.AddRateLimited(key);
        queue.Done(key);
        Assert.False(idle.IsCompleted); // a retry is scheduled

        time.Advance(TimeSpan.FromMinutes(20));
        (_, key) = await queue.TakeAsync(Ct);
        Assert.False(idle.IsCompleted);
        queue.Done(key);
        await idle.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }
}
