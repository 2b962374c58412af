using BareLb.Hosting;
using BareLb.Hosting.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BareLb.Hosts.Tests.Hosting;

/// <summary>When the hosts give a burst's garbage back to the system: never when idle, once after a burst, at most once per maximum wait when busy.</summary>
public sealed class MemoryTrimTests
{
    private const long MiB = 1 << 20;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly MemoryTrimOptions Options = new() { CheckInterval = TimeSpan.FromSeconds(10), Threshold = 16 * MiB, MaximumWait = TimeSpan.FromMinutes(1) };

    [Fact]
    public void AnIdleProcess_IsNeverTrimmed()
    {
        var policy = new MemoryTrimPolicy(Options, 100 * MiB);

        Assert.All(Enumerable.Range(1, 100), i => Assert.False(policy.Check(100 * MiB + i * 1024)));
    }

    [Fact]
    public void ABurst_IsTrimmedOnce_AtTheFirstQuietCheck()
    {
        var policy = new MemoryTrimPolicy(Options, 0);

        Assert.False(policy.Check(40 * MiB)); // the burst, still going
        Assert.False(policy.Check(80 * MiB));
        Assert.True(policy.Check(80 * MiB + 100_000)); // quiet: less than a sixteenth of the threshold since the last check
        Assert.False(policy.Check(80 * MiB + 200_000));
        Assert.False(policy.Check(80 * MiB + 300_000));
    }

    [Fact]
    public void ASteadilyBusyProcess_IsTrimmedOncePerMaximumWait()
    {
        var policy = new MemoryTrimPolicy(Options, 0);

        var trims = Enumerable.Range(1, 36).Select(i => policy.Check(i * 10 * MiB)).ToList(); // six minutes, 1 MiB/s

        Assert.Equal(6, trims.Count(t => t));
        Assert.True(trims[5]);
    }

    [Fact]
    public void SlowAllocation_BelowTheThreshold_IsNotTrimmedUntilTheThresholdIsReached()
    {
        var policy = new MemoryTrimPolicy(Options, 0);

        // 512 KiB per check is "quiet", so the first check past the threshold trims.
        var first = Enumerable.Range(1, 40).First(i => policy.Check(i * 512 * 1024L));

        Assert.Equal(32, first);
    }

    [Theory]
    [InlineData(0.5, 16, 60, "MemoryTrim.CheckInterval")]
    [InlineData(10, 0.5, 60, "MemoryTrim.Threshold")]
    [InlineData(10, 16, 5, "MemoryTrim.MaximumWait")]
    public async Task InvalidOptions_StopTheHostAtStart_NamingTheSetting(double intervalSeconds, double thresholdMiB, double maximumWaitSeconds, string setting)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddBareLbHosting(_ => { });
        builder.Services.Configure<MemoryTrimOptions>(o =>
        {
            o.CheckInterval = TimeSpan.FromSeconds(intervalSeconds);
            o.Threshold = (long)(thresholdMiB * MiB);
            o.MaximumWait = TimeSpan.FromSeconds(maximumWaitSeconds);
        });
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.StartsWith(setting, Assert.Single(refused.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHosts_CompactTheHeap_WhenThePolicySays()
    {
        var time = new FakeTimeProvider();
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddBareLbHosting(_ => { });
        builder.Services.Configure<MemoryTrimOptions>(o => (o.CheckInterval, o.Threshold, o.MaximumWait) = (TimeSpan.FromSeconds(1), MiB, TimeSpan.FromSeconds(1)));
        using var host = builder.Build();
        await host.StartAsync(Ct);

        GC.KeepAlive(new byte[2 * MiB]);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Contains(logs.Messages, m => m.StartsWith("Compacted the heap", StringComparison.Ordinal));
        await host.StopAsync(Ct);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider, ILogger
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
