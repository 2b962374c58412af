using System.Diagnostics.Metrics;

namespace BareLb.Membership.Diagnostics;

/// <summary>
/// The wire layer's instruments on the meter <c>BareLb.Membership</c>: packets and streams
/// dropped by reason. The receive path adds to plain fields; an observable counter publishes
/// the totals when a listener collects.
/// </summary>
internal sealed class WireMetrics : IDisposable
{
    public const string MeterName = "BareLb.Membership";
    public const string DroppedName = "barelb_memberlist_packets_dropped_total";

    private static readonly string[] ReasonTags = BuildReasonTags();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly long[] _packets = new long[ReasonTags.Length];
    private readonly long[] _streams = new long[ReasonTags.Length];

    public WireMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(MeterName);
        }

        _meter.CreateObservableCounter(DroppedName, Observe, "{message}", "Packets (channel udp) and streams (channel tcp) received from peers and dropped, by reason.");
    }

    /// <summary>The meter the instruments are on (one per instance).</summary>
    public Meter Meter => _meter;

    /// <summary>The tag value of a reason (snake case, as Prometheus labels go).</summary>
    public static string ReasonTag(DropReason reason) => ReasonTags[(int)reason];

    public void PacketDropped(DropReason reason) => Interlocked.Increment(ref _packets[(int)reason]);

    public void StreamDropped(DropReason reason) => Interlocked.Increment(ref _streams[(int)reason]);

    /// <summary>The count so far of packets dropped for <paramref name="reason"/>.</summary>
    public long PacketsDropped(DropReason reason) => Volatile.Read(ref _packets[(int)reason]);

    /// <summary>The count so far of streams dropped for <paramref name="reason"/>.</summary>
    public long StreamsDropped(DropReason reason) => Volatile.Read(ref _streams[(int)reason]);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private List<Measurement<long>> Observe()
    {
        var measurements = new List<Measurement<long>>();
        for (var i = 1; i < ReasonTags.Length; i++)
        {
            measurements.Add(new Measurement<long>(Volatile.Read(ref _packets[i]), new("channel", "udp"), new("reason", ReasonTags[i])));
            measurements.Add(new Measurement<long>(Volatile.Read(ref _streams[i]), new("channel", "tcp"), new("reason", ReasonTags[i])));
        }

        return measurements;
    }

    private static string[] BuildReasonTags()
    {
        var values = Enum.GetValues<DropReason>();
        var tags = new string[values.Length];
        foreach (var value in values)
        {
            var name = value.ToString();
            var builder = new System.Text.StringBuilder(name.Length + 4);
            for (var i = 0; i < name.Length; i++)
            {
                if (char.IsUpper(name[i]) && i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(name[i]));
            }

            tags[(int)value] = builder.ToString();
        }

        return tags;
    }
}
