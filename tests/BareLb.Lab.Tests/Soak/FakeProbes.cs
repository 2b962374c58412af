using System.Net;
using BareLb.Lab.Probing;
using BareLb.Lab.Soak;

namespace BareLb.Lab.Tests.Soak;

/// <summary>Probe histories made of reply times, analysed by the prober's own code.</summary>
internal sealed class FakeProbes : IProbeHistory
{
    private readonly Dictionary<IPAddress, List<DateTimeOffset>> _replies = [];

    /// <summary>Replies every 10 ms from <paramref name="from"/> to <paramref name="to"/>, but in the gaps given.</summary>
    public void Answering(IPAddress address, DateTimeOffset from, DateTimeOffset to, params (DateTimeOffset From, DateTimeOffset To)[] silent)
    {
        if (!_replies.TryGetValue(address, out var list))
        {
            _replies[address] = list = [];
        }

        for (var t = from; t <= to; t += TimeSpan.FromMilliseconds(10))
        {
            if (!silent.Any(s => t >= s.From && t < s.To))
            {
                list.Add(t);
            }
        }
    }

    public ProbeReport? Report(IPAddress address, DateTimeOffset from, DateTimeOffset to)
    {
        if (!_replies.TryGetValue(address, out var times))
        {
            return null;
        }

        var replies = times.Select((t, i) => ((long)i, t)).ToList();
        return Prober.Analyse(times, replies, from, to, TimeSpan.FromMilliseconds(10));
    }
}
