using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Hosting.Memory;

/// <summary>
/// Checks allocation every <see cref="MemoryTrimOptions.CheckInterval"/> and, when <see cref="MemoryTrimPolicy"/> says
/// so, runs one blocking, compacting, aggressive collection (the mode that returns free memory to the system).
/// </summary>
internal sealed partial class IdleMemoryTrim : IHostedService, IDisposable
{
    private readonly MemoryTrimOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private MemoryTrimPolicy? _policy;
    private ITimer? _timer;

    public IdleMemoryTrim(IOptions<MemoryTrimOptions> options, TimeProvider time, ILogger<IdleMemoryTrim> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            _policy = new MemoryTrimPolicy(_options, GC.GetTotalAllocatedBytes());
            _timer = _time.CreateTimer(static state => ((IdleMemoryTrim)state!).Check(), this, _options.CheckInterval, _options.CheckInterval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Check()
    {
        lock (_gate)
        {
            if (_policy is null || !_policy.Check(GC.GetTotalAllocatedBytes()))
            {
                return;
            }

            var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
            Log.Trimmed(_logger, before >> 10, after >> 10);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9150, Level = LogLevel.Debug, Message = "Compacted the heap after a burst of allocation: {Before} KiB committed before, {After} KiB after")]
        public static partial void Trimmed(ILogger logger, long before, long after);
    }
}
