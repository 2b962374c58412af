using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Configuration.Source;

/// <summary>
/// Keeps the status of metallb.io configuration objects in step: conditions after each configuration read,
/// and IPAddressPools' assigned and available counts per family as Services come and go. Callers only set
/// the desired state; one loop writes what differs from what it last wrote, at most once per interval, so a
/// burst of Service changes costs one write per pool and an idle cluster costs none.
/// </summary>
internal sealed partial class ConfigurationStatusPublisher : IDisposable
{
    private readonly IConfigurationStatusWriter _writer;
    private readonly string _namespace;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Desired> _desired = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0, 1);
    private IReadOnlyDictionary<string, PoolCounts> _counts = new Dictionary<string, PoolCounts>();

    public ConfigurationStatusPublisher(IConfigurationStatusWriter writer, string @namespace, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        _writer = writer;
        _namespace = @namespace;
        _interval = interval;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Sets every configuration object's conditions; objects not named lose their desired status.</summary>
    public void SetConditions(IEnumerable<(string Plural, string Name, string? Uid, long? Generation, IReadOnlyList<ConditionState> Conditions)> objects)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        lock (_gate)
        {
            var next = new Dictionary<string, Desired>(StringComparer.Ordinal);
            foreach (var (plural, name, uid, generation, conditions) in objects)
            {
                var key = $"{plural}/{name}/{uid}";
                var previous = _desired.GetValueOrDefault(key)?.Conditions;
                next[key] = new Desired(plural, name, [.. conditions.Select(c => ToCondition(c, generation, previous, now))]);
            }

            _desired.Clear();
            foreach (var (key, desired) in next)
            {
                _desired[key] = desired;
            }

            foreach (var gone in _written.Keys.Where(k => !next.ContainsKey(k)).ToList())
            {
                _written.Remove(gone);
            }
        }

        Signal();
    }

    /// <summary>Sets the allocator's counts (from the allocator's owner, after a change).</summary>
    public void SetStatistics(IReadOnlyList<PoolStatistics> statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var counts = new Dictionary<string, PoolCounts>(StringComparer.Ordinal);
        foreach (var s in statistics)
        {
            var c = counts.GetValueOrDefault(s.Pool);
            counts[s.Pool] = s.Family == IPFamily.IPv4
                ? c with { AssignedIPv4 = Saturate(s.InUse), AvailableIPv4 = Saturate(s.Available) }
                : c with { AssignedIPv6 = Saturate(s.InUse), AvailableIPv6 = Saturate(s.Available) };
        }

        Volatile.Write(ref _counts, counts);
        Signal();
    }

    /// <inheritdoc/>
    public void Dispose() => _changed.Dispose();

    /// <summary>
    /// Writes until cancelled. A round in which a write failed (an error answer, or an HTTP timeout, which surfaces as a
    /// <see cref="TaskCanceledException"/> that is not ours) is logged and tried again after a delay that doubles
    /// from the interval up to <see cref="MaxRetryDelay"/>, and starts again from the interval after a round that wrote everything.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = _interval;
        try
        {
            while (true)
            {
                await _changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                var failed = await WritePendingAsync(cancellationToken).ConfigureAwait(false);
                delay = failed == 0 ? _interval : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(MaxRetryDelay.Ticks, _interval.Ticks)));
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>The longest wait between rounds while writes keep failing.</summary>
    internal static TimeSpan MaxRetryDelay { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Writes every status that differs from the last one written; returns how many writes failed (they are tried again).</summary>
    internal async Task<int> WritePendingAsync(CancellationToken cancellationToken)
    {
        List<(string Key, Desired Desired, object Status, string Json)> pending = [];
        var counts = Volatile.Read(ref _counts);
        lock (_gate)
        {
            foreach (var (key, desired) in _desired)
            {
                var status = StatusOf(desired, counts);
                var json = KubeJson.Serialize(status);
                if (!string.Equals(_written.GetValueOrDefault(key), json, StringComparison.Ordinal))
                {
                    pending.Add((key, desired, status, json));
                }
            }
        }

        var failed = 0;
        foreach (var (key, desired, status, json) in pending)
        {
            try
            {
                var written = await _writer.WriteStatusAsync(desired.Plural, _namespace, desired.Name, status, cancellationToken).ConfigureAwait(false);
                if (!written)
                {
                    NoStatus(_logger, desired.Plural, desired.Name);
                }

                lock (_gate)
                {
                    _written[key] = json; // also when there is no status subresource: trying again would not help
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Any failure that is not our own stop, an HTTP timeout included: the next round tries again.
                failed++;
                WriteFailed(_logger, desired.Plural, desired.Name, e);
                Signal();
            }
        }

        return failed;
    }

    private static object StatusOf(Desired desired, IReadOnlyDictionary<string, PoolCounts> counts)
    {
        if (!string.Equals(desired.Plural, IPAddressPool.Plural, StringComparison.Ordinal))
        {
            return new ConfigurationObjectStatus { Conditions = desired.Conditions };
        }

        var c = counts.GetValueOrDefault(desired.Name);
        return new IPAddressPoolStatus
        {
            AssignedIPv4 = c.AssignedIPv4,
            AssignedIPv6 = c.AssignedIPv6,
            AvailableIPv4 = c.AvailableIPv4,
            AvailableIPv6 = c.AvailableIPv6,
            Conditions = desired.Conditions,
        };
    }

    private static V1Condition ToCondition(ConditionState state, long? generation, List<V1Condition>? previous, DateTime now)
    {
        var status = state.Status ? "True" : "False";
        var before = previous?.FirstOrDefault(c => string.Equals(c.Type, state.Type, StringComparison.Ordinal));
        return new V1Condition
        {
            Type = state.Type,
            Status = status,
            Reason = state.Reason,
            Message = state.Message,
            ObservedGeneration = generation,
            LastTransitionTime = before is not null && string.Equals(before.Status, status, StringComparison.Ordinal) ? before.LastTransitionTime : now,
        };
    }

    private static long Saturate(UInt128 value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private void Signal()
    {
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "{Plural}/{Name} has no status subresource (MetalLB's CRDs give one only to IPAddressPool); its conditions are only in events and the log")]
    private static partial void NoStatus(ILogger logger, string plural, string name);

    [LoggerMessage(EventId = 221, Level = LogLevel.Warning, Message = "Writing the status of {Plural}/{Name} failed; trying again")]
    private static partial void WriteFailed(ILogger logger, string plural, string name, Exception exception);

    private sealed record Desired(string Plural, string Name, List<V1Condition> Conditions);

    private readonly record struct PoolCounts(long AssignedIPv4, long AssignedIPv6, long AvailableIPv4, long AvailableIPv6);
}
