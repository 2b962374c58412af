using System.Diagnostics;
using System.Diagnostics.Metrics;
using BareLb.Arp.Codecs;

namespace BareLb.Arp.Metrics;

/// <summary>
/// The engine's instruments on the meter <c>BareLb.Arp</c>. Tags are interned strings held by
/// the caller, so recording never allocates.
/// </summary>
internal sealed class Layer2Metrics : IDisposable
{
    public const string MeterName = "BareLb.Arp";

    private static readonly string[] ReasonTags = BuildReasonTags();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _replies;
    private readonly Counter<long> _announcements;
    private readonly Counter<long> _dropped;

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

        _requests = _meter.CreateCounter<long>("barelb.arp.requests", "{frame}", "ARP requests and neighbor solicitations seen for announced addresses.");
        _replies = _meter.CreateCounter<long>("barelb.arp.replies", "{frame}", "ARP replies and neighbor advertisements sent in answer to requests.");
        _announcements = _meter.CreateCounter<long>("barelb.arp.announcements", "{frame}", "Gratuitous ARP and unsolicited neighbor advertisements sent.");
        _dropped = _meter.CreateCounter<long>("barelb.arp.frames_dropped", "{frame}", "Frames received and not answered, by reason.");
    }

    public static string ReasonTag(DropReason reason) => ReasonTags[(int)reason];

    public void Request(string interfaceName, string protocol, string address)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, Tags(interfaceName, protocol, address));
        }
    }

    public void Reply(string interfaceName, string protocol, string address)
    {
        if (_replies.Enabled)
        {
            _replies.Add(1, Tags(interfaceName, protocol, address));
        }
    }

    public void Announcement(string interfaceName, string protocol, string address)
    {
        if (_announcements.Enabled)
        {
            _announcements.Add(1, Tags(interfaceName, protocol, address));
        }
    }

    public void Dropped(string interfaceName, DropReason reason)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(1, new KeyValuePair<string, object?>("interface", interfaceName), new KeyValuePair<string, object?>("reason", ReasonTags[(int)reason]));
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static TagList Tags(string interfaceName, string protocol, string address) => new()
    {
        { "interface", interfaceName },
        { "protocol", protocol },
        { "address", address },
    };

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
