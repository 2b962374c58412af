using System.Diagnostics.Metrics;
using BareLb.Core.Allocation;

namespace BareLb.Kube.Metrics;

/// <summary>
/// The controller's instruments, under MetalLB's metric names so that existing dashboards and
/// alerts keep working: addresses per pool, Kubernetes client updates and their errors, and
/// whether a configuration is loaded or stale. The allocator is read through snapshots the
/// controller publishes, never from the scraping thread.
/// </summary>
public sealed class ControllerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "BareLb.Controller";

    private readonly Meter _meter;
    private readonly Counter<long> _updates;
    private readonly Counter<long> _updateErrors;
    private volatile IReadOnlyList<PoolStatistics> _statistics = [];
    private volatile int _configLoaded;
    private volatile int _configStale;
    private volatile int _configErrors;
    private volatile int _configWarnings;

    /// <summary>Creates the instruments on a meter from the factory.</summary>
    public ControllerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _meter.CreateObservableGauge("metallb_allocator_addresses_in_use_total", () => Per(s => s.InUse), description: "Number of IP addresses in use, per pool");
        _meter.CreateObservableGauge("metallb_allocator_addresses_total", () => Per(s => s.Total), description: "Number of usable IP addresses, per pool");
        _updates = _meter.CreateCounter<long>("metallb_k8s_client_updates_total", description: "Number of k8s object updates that have been processed");
        _updateErrors = _meter.CreateCounter<long>("metallb_k8s_client_update_errors_total", description: "Number of k8s object updates that failed for some reason");
        _meter.CreateObservableGauge("metallb_k8s_client_config_loaded_bool", () => _configLoaded, description: "1 if the MetalLB configuration was successfully loaded at least once");
        _meter.CreateObservableGauge("metallb_k8s_client_config_stale_bool", () => _configStale, description: "1 if running on a stale configuration, because the latest config failed to load");
        _meter.CreateObservableGauge(
            "barelb_configuration_problems",
            () => (Measurement<int>[])[new(_configErrors, new KeyValuePair<string, object?>("severity", "error")), new(_configWarnings, new KeyValuePair<string, object?>("severity", "warning"))],
            description: "Problems in the last configuration read, by severity (errors keep it from taking effect)");
    }

    /// <summary>Publishes the allocator's counts (called by the controller's worker).</summary>
    public void Publish(IReadOnlyList<PoolStatistics> statistics) => _statistics = statistics;

    /// <summary>Records a processed object update, and whether it failed.</summary>
    public void UpdateProcessed(bool failed)
    {
        _updates.Add(1);
        if (failed)
        {
            _updateErrors.Add(1);
        }
    }

    /// <summary>Records the outcome of reading the configuration.</summary>
    public void ConfigurationRead(bool valid, int errors = 0, int warnings = 0)
    {
        _configErrors = errors;
        _configWarnings = warnings;
        if (valid)
        {
            _configLoaded = 1;
            _configStale = 0;
        }
        else
        {
            _configStale = _configLoaded;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    // Per pool, both families summed; saturating at long.MaxValue for IPv6 pools larger than 2^63 (the exact counts are in the pool's status).
    private IEnumerable<Measurement<long>> Per(Func<PoolStatistics, UInt128> value) =>
        _statistics.GroupBy(s => s.Pool).Select(g =>
        {
            var sum = g.Aggregate(UInt128.Zero, (total, s) => total + value(s));
            return new Measurement<long>(sum > long.MaxValue ? long.MaxValue : (long)sum, new KeyValuePair<string, object?>("pool", g.Key));
        });
}
