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
    private readonly Func<long> _allocated;
    private readonly Action _trim;
    private readonly Lock _gate = new();
    private MemoryTrimPolicy? _policy;
    private ITimer? _timer;

    public IdleMemoryTrim(IOptions<MemoryTrimOptions> options, TimeProvider time, ILogger<IdleMemoryTrim> logger)
        : this(options.Value, time, logger, static () => GC.GetTotalAllocatedBytes(), static () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true))
    {
    }

    /// <summary>For tests: the allocation counter and the trim itself are given.</summary>
    internal IdleMemoryTrim(MemoryTrimOptions options, TimeProvider time, ILogger logger, Func<long> allocated, Action trim)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _allocated = allocated;
        _trim = trim;
    }

    /// <summary>Trims done so far.</summary>
    public int Trims { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            _policy = new MemoryTrimPolicy(_options, _allocated());
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
            if (_policy is null || !_policy.Check(_allocated()))
            {
                return;
            }

            var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
            _trim();
            Trims++;
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
