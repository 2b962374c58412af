using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace BareLb.Kube.Metrics;

/// <summary>
/// Collects the instruments of chosen meters and renders them in Prometheus' text exposition
/// format on demand (for a <c>/metrics</c> endpoint): counters as their running totals, gauges
/// as their last value, one series per tag set.
/// </summary>
public sealed class PrometheusTextExporter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Series> _series = new(StringComparer.Ordinal);

    /// <summary>Listens to every instrument of the meters with these names.</summary>
    public PrometheusTextExporter(params string[] meterNames)
    {
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

    /// <summary>Renders every series, after polling the observable instruments.</summary>
    public string Render()
    {
        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        lock (_gate)
        {
            string? family = null;
            foreach (var series in _series.Values)
            {
                if (series.Name != family)
                {
                    family = series.Name;
                    text.Append("# HELP ").Append(series.Name).Append(' ').Append(series.Help).Append('\n');
                    text.Append("# TYPE ").Append(series.Name).Append(' ').Append(series.Type).Append('\n');
                }

                text.Append(series.Name).Append(series.Labels).Append(' ').Append(series.Value.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

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
                _series[key] = series = new Series(instrument.Name, labels, type, instrument.Description ?? instrument.Name);
            }

            series.Value = series.Type == "counter" && instrument is Counter<T> ? series.Value + number : number;
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }

        var parts = new List<string>(tags.Length);
        foreach (var (name, value) in tags)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            parts.Add($"{name}=\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return "{" + string.Join(",", parts) + "}";
    }

    private sealed class Series(string name, string labels, string type, string help)
    {
        public string Name { get; } = name;

        public string Labels { get; } = labels;

        public string Type { get; } = type;

        public string Help { get; } = help;

        public double Value { get; set; }
    }
}
