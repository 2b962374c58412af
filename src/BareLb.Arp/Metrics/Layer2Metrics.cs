using System.Diagnostics.Metrics;
using BareLb.Arp.Codecs;

namespace BareLb.Arp.Metrics;

/// <summary>
/// The engine's instruments on the meter <c>BareLb.Arp</c>, named as MetalLB's speaker names
/// them (so that its dashboards keep working), plus drops by reason. The packet path never
/// touches an instrument: it adds to plain fields (<see cref="InterfaceCounters"/>,
/// <see cref="AddressCounters"/>), and observable counters publish the totals when a listener
/// collects, so counting costs the same few increments whether anyone listens or not.
/// </summary>
internal sealed class Layer2Metrics : IDisposable
{
    public const string MeterName = "BareLb.Arp";
    public const string RequestsName = "metallb_layer2_requests_received";
    public const string RepliesName = "metallb_layer2_responses_sent";
    public const string AnnouncementsName = "metallb_layer2_gratuitous_sent";
    public const string DroppedName = "barelb_layer2_frames_dropped_total";

    private static readonly string[] ReasonTags = BuildReasonTags();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, InterfaceCounters> _interfaces = new(StringComparer.Ordinal);

    public Layer2Metrics(IMeterFactory? meterFactory)
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

        _meter.CreateObservableCounter(RequestsName, () => PerAddress(static c => Volatile.Read(ref c.Requests)), "{frame}", "Number of layer2 requests received for owned IPs (ARP requests and neighbor solicitations).");
        _meter.CreateObservableCounter(RepliesName, () => PerAddress(static c => Volatile.Read(ref c.Replies)), "{frame}", "Number of layer2 responses sent for owned IPs (ARP replies and neighbor advertisements).");
        _meter.CreateObservableCounter(AnnouncementsName, () => PerAddress(static c => Volatile.Read(ref c.Announcements)), "{frame}", "Number of gratuitous layer2 packets sent for owned IPs (gratuitous ARP, unsolicited neighbor advertisements).");
        _meter.CreateObservableCounter(DroppedName, PerReason, "{frame}", "Frames received and not answered, by interface and reason.");
    }

    public static string ReasonTag(DropReason reason) => ReasonTags[(int)reason];

    /// <summary>The counters of an interface, created on first use and kept (so totals survive re-attaching).</summary>
    public InterfaceCounters ForInterface(string interfaceName)
    {
        lock (_gate)
        {
            if (!_interfaces.TryGetValue(interfaceName, out var counters))
            {
                counters = new InterfaceCounters(interfaceName);
                _interfaces.Add(interfaceName, counters);
            }

            return counters;
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private InterfaceCounters[] Interfaces()
    {
        lock (_gate)
        {
            return [.. _interfaces.Values];
        }
    }

    private List<Measurement<long>> PerAddress(Func<AddressCounters, long> value)
    {
        var measurements = new List<Measurement<long>>();
        foreach (var counters in Interfaces())
        {
            foreach (var address in counters.Addresses())
            {
                measurements.Add(new Measurement<long>(
                    value(address),
                    new KeyValuePair<string, object?>("interface", counters.InterfaceName),
                    new KeyValuePair<string, object?>("protocol", address.Protocol),
                    new KeyValuePair<string, object?>("ip", address.Address)));
            }
        }

        return measurements;
    }

    private List<Measurement<long>> PerReason()
    {
        var measurements = new List<Measurement<long>>();
        foreach (var counters in Interfaces())
        {
            foreach (var reason in Enum.GetValues<DropReason>())
            {
                var count = counters.DroppedCount(reason);
                if (count > 0)
                {
                    measurements.Add(new Measurement<long>(
                        count,
                        new KeyValuePair<string, object?>("interface", counters.InterfaceName),
                        new KeyValuePair<string, object?>("reason", ReasonTags[(int)reason])));
                }
            }
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
                if (char.IsUpper(name[i]) && i > 0 && !char.IsUpper(name[i - 1]))
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
