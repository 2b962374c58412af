using System.Diagnostics.Metrics;

namespace BareLb.Benchmarks.Controller;

/// <summary>Meters without dependency injection, so the benchmarked controller publishes its metrics as barelb-controller does.</summary>
internal sealed class PlainMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            _meters.ForEach(m => m.Dispose());
            _meters.Clear();
        }
    }
}
