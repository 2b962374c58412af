using System.Buffers;
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
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Series>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly List<Series> _ordered = [];
    private char[] _key = new char[256];
    private bool _reorder;
    private long _generation;
    private int _lastLength = 4096;

    /// <summary>Listens to every instrument of the meters with these names.</summary>
    public PrometheusTextExporter(params string[] meterNames)
        : this((IEnumerable<string>)meterNames)
    {
    }

    /// <summary>Listens to every instrument of the meters with these names.</summary>
    public PrometheusTextExporter(IEnumerable<string> meterNames)
    {
        ArgumentNullException.ThrowIfNull(meterNames);
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<char>>();
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

    /// <summary>The media type of <see cref="Render()"/>'s text.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Renders every series, after polling the observable instruments.</summary>
    public string Render()
    {
        var text = new ArrayBufferWriter<byte>(Volatile.Read(ref _lastLength) + 1024);
        Render(text);
        return Encoding.UTF8.GetString(text.WrittenSpan);
    }

    /// <summary>
    /// Renders every series as UTF-8 into <paramref name="output"/> (an HTTP response's body writer, for example),
    /// after polling the observable instruments.
    /// </summary>
    public void Render(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            // One collection at a time: the generation tells this collection's observations from older ones.
            _generation++;
            _listener.RecordObservableInstruments();
            if (_reorder)
            {
                _ordered.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                _reorder = false;
            }

            var length = 0;
            string? family = null;
            var stale = false;
            foreach (var series in _ordered)
            {
                if (series.Observable && series.Generation != _generation)
                {
                    _series.Remove(series.Key);
                    stale = true;
                    continue;
                }

                if (!string.Equals(series.Name, family, StringComparison.Ordinal))
                {
                    family = series.Name;
                    length += Write(output, "# HELP ") + Write(output, series.Name) + Write(output, " ") + Write(output, series.Help) + Write(output, "\n");
                    length += Write(output, "# TYPE ") + Write(output, series.Name) + Write(output, " ") + Write(output, series.Type) + Write(output, "\n");
                }

                length += Write(output, series.Key) + Write(output, " ") + WriteValue(output, series.Value) + Write(output, "\n");
            }

            if (stale)
            {
                _ordered.RemoveAll(s => s.Observable && s.Generation != _generation);
            }

            _lastLength = length;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _listener.Dispose();

    private static int Write(IBufferWriter<byte> output, ReadOnlySpan<char> text)
    {
        var written = Encoding.UTF8.GetBytes(text, output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        output.Advance(written);
        return written;
    }

    private static int WriteValue(IBufferWriter<byte> output, double value)
    {
        if (!double.IsFinite(value))
        {
            return Write(output, double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : "NaN");
        }

        var span = output.GetSpan(32);
        if (!value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture))
        {
            return Write(output, value.ToString(CultureInfo.InvariantCulture));
        }

        output.Advance(written);
        return written;
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var number = value.ToDouble(CultureInfo.InvariantCulture);
        lock (_gate)
        {
            var key = WriteKey(instrument.Name, tags);
            if (!_lookup.TryGetValue(key, out var series))
            {
                var type = instrument is Counter<T> or ObservableCounter<T> ? "counter" : "gauge";
                var keyText = key.ToString();
                series = new Series(keyText, instrument.Name, type, EscapeHelp(instrument.Description ?? instrument.Name), instrument.IsObservable);
                _series.Add(keyText, series);
                _ordered.Add(series);
                _reorder = true;
            }

            // Synchronous counters and up-down counters report increments; everything else reports the value.
            series.Value = instrument is Counter<T> or UpDownCounter<T> ? series.Value + number : number;
            series.Generation = _generation;
        }
    }

    /// <summary>Writes the series' key (its name and labels, as rendered) into the reused buffer; under the lock.</summary>
    private ReadOnlySpan<char> WriteKey(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        while (true)
        {
            var writer = new KeyWriter(_key);
            if (writer.TryWrite(name, tags))
            {
                return _key.AsSpan(0, writer.Length);
            }

            _key = new char[_key.Length * 2];
        }
    }

    // HELP text escapes backslash and line feed (label values also escape the double quote: KeyWriter).
    private static string EscapeHelp(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>Writes <c>name{label="value",...}</c>, labels sorted by name, into a buffer; false when it is too small.</summary>
    private ref struct KeyWriter(Span<char> buffer)
    {
        private readonly Span<char> _buffer = buffer;

        public int Length { get; private set; }

        public bool TryWrite(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!TryAppend(name))
            {
                return false;
            }

            if (tags.IsEmpty)
            {
                return true;
            }

            Span<int> order = tags.Length <= 16 ? stackalloc int[tags.Length] : new int[tags.Length];
            for (var i = 0; i < order.Length; i++)
            {
                // Insertion sort: a handful of labels at most.
                var j = i;
                for (; j > 0 && CompareLabels(tags[order[j - 1]].Key, tags[i].Key) > 0; j--)
                {
                    order[j] = order[j - 1];
                }

                order[j] = i;
            }

            for (var i = 0; i < order.Length; i++)
            {
                var (label, value) = tags[order[i]];
                if (!TryAppend(i == 0 ? "{" : ",") || !TryAppend(label) || !TryAppend("=\"") || !TryAppendValue(value) || !TryAppend("\""))
                {
                    return false;
                }
            }

            return TryAppend("}");
        }

        // Labels are ordered as their rendered text "name=..." sorts, so the order is the one Prometheus' own clients give.
        private static int CompareLabels(string a, string b)
        {
            var common = Math.Min(a.Length, b.Length);
            var prefix = a.AsSpan(0, common).SequenceCompareTo(b.AsSpan(0, common));
            return prefix != 0 || a.Length == b.Length ? prefix
                : a.Length < b.Length ? '='.CompareTo(b[common]) : a[common].CompareTo('=');
        }

        private bool TryAppend(char c)
        {
            if (Length == _buffer.Length)
            {
                return false;
            }

            _buffer[Length++] = c;
            return true;
        }

        private bool TryAppend(scoped ReadOnlySpan<char> text)
        {
            if (!text.TryCopyTo(_buffer[Length..]))
            {
                return false;
            }

            Length += text.Length;
            return true;
        }

        private bool TryAppendValue(object? value)
        {
            switch (value)
            {
                case null:
                    return true;
                case string text:
                    return TryAppendEscaped(text);
                case ISpanFormattable formattable when formattable is not char:
                    if (!formattable.TryFormat(_buffer[Length..], out var written, default, CultureInfo.InvariantCulture))
                    {
                        return false;
                    }

                    // Numbers and the like never hold a character that needs escaping; anything else is escaped.
                    var span = _buffer.Slice(Length, written);
                    if (span.ContainsAny('\\', '"', '\n'))
                    {
                        return TryAppendEscaped(span.ToString());
                    }

                    Length += written;
                    return true;
                default:
                    return TryAppendEscaped(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
            }
        }

        private bool TryAppendEscaped(ReadOnlySpan<char> text)
        {
            foreach (var c in text)
            {
                var ok = c switch
                {
                    '\\' => TryAppend("\\\\"),
                    '"' => TryAppend("\\\""),
                    '\n' => TryAppend("\\n"),
                    _ => TryAppend(c),
                };
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class Series(string key, string name, string type, string help, bool observable)
    {
        /// <summary>The name and labels as rendered, for example <c>metallb_speaker_announced{ip="198.18.35.10",node="n1"}</c>.</summary>
        public string Key { get; } = key;

        public string Name { get; } = name;

        public string Type { get; } = type;

        public string Help { get; } = help;

        public bool Observable { get; } = observable;

        public double Value { get; set; }

        public long Generation { get; set; }
    }
}
