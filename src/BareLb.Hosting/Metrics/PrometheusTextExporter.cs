using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace BareLb.Hosting.Metrics;

/// <summary>
/// Collects the instruments of chosen meters and renders them in Prometheus' text exposition
/// format (0.0.4) on demand, for a <c>/metrics</c> endpoint: counters as their running totals,
/// gauges as their last value, one series per tag set, labels sorted by name, metric names
/// exactly as the instruments name them (no suffix or scope label added, so MetalLB's names and
/// series stay as MetalLB writes them).
/// </summary>
/// <remarks>
/// An observable instrument's series exist only while its callback reports them: a series it no
/// longer reports (an address no longer announced, a pool deleted) is gone from the next
/// rendering, as Prometheus expects of a target whose object went away. Series of synchronous
/// counters stay for the process's life.
/// </remarks>
public sealed class PrometheusTextExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly List<string> _stale = [];
    private long _generation;

    /// <summary>Listens to every instrument of the meters with these names.</summary>
    public PrometheusTextExporter(params string[] meterNames)
        : this((IEnumerable<string>)meterNames)
    {
    }

    /// <summary>Listens to every instrument of the meters with these names.</summary>
    public PrometheusTextExporter(IEnumerable<string> meterNames)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        var names = meterNames.ToHashSet(StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (names.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The media type of <see cref="Render"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Renders every series, after polling the observable instruments.</summary>
    public string Render()
    {
        lock (_gate)
        {
            // One collection at a time: the generation tells this collection's observations from older ones.
            _generation++;
            _listener.RecordObservableInstruments();
            var text = new StringBuilder(_series.Count * 64);
            string? family = null;
            foreach (var (key, series) in _series)
            {
                if (series.Observable && series.Generation != _generation)
                {
                    _stale.Add(key);
                    continue;
                }

                if (series.Name != family)
                {
                    family = series.Name;
                    text.Append("# HELP ").Append(series.Name).Append(' ').Append(series.Help).Append('\n');
                    text.Append("# TYPE ").Append(series.Name).Append(' ').Append(series.Type).Append('\n');
                }

                text.Append(series.Name).Append(series.Labels).Append(' ').Append(Format(series.Value)).Append('\n');
            }

            foreach (var key in _stale)
            {
                _series.Remove(key);
            }

            _stale.Clear();
            return text.ToString();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString(CultureInfo.InvariantCulture);

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var labels = Labels(tags);
        var key = instrument.Name + labels;
        var number = value.ToDouble(CultureInfo.InvariantCulture);
        lock (_gate)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                var type = instrument is Counter<T> or ObservableCounter<T> ? "counter" : "gauge";
                _series[key] = series = new Series(instrument.Name, labels, type, Escape(instrument.Description ?? instrument.Name, help: true), instrument.IsObservable);
            }

            // Synchronous counters and up-down counters report increments; everything else reports the value.
            series.Value = instrument is Counter<T> or UpDownCounter<T> ? series.Value + number : number;
            series.Generation = _generation;
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var parts = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            var (name, value) = tags[i];
            parts[i] = $"{name}=\"{Escape(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", help: false)}\"";
        }

        Array.Sort(parts, StringComparer.Ordinal);
        return "{" + string.Join(",", parts) + "}";
    }

    // Label values escape backslash, double quote and line feed; HELP text escapes backslash and line feed.
    private static string Escape(string text, bool help)
    {
        var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        return help ? escaped : escaped.Replace("\"", "\\\"", StringComparison.Ordinal);
    }

    private sealed class Series(string name, string labels, string type, string help, bool observable)
    {
        public string Name { get; } = name;

        public string Labels { get; } = labels;

        public string Type { get; } = type;

        public string Help { get; } = help;

        public bool Observable { get; } = observable;

        public double Value { get; set; }

        public long Generation { get; set; }
    }
}
