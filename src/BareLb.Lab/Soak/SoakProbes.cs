using System.Net;
using BareLb.Lab.Probing;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Soak;

/// <summary>
/// The client's probers of a soak, one per address while it is held (and a while after): started when the address
/// appears, stopped when it has been gone for the linger time; their histories are kept for the report.
/// </summary>
internal sealed class SoakProbes(LabHost client, TimeSpan interval, TimeSpan linger, TimeProvider time) : IProbeHistory, IDisposable
{
    private readonly Dictionary<IPAddress, List<(Prober Prober, DateTimeOffset Started)>> _probers = [];
    private readonly Dictionary<IPAddress, DateTimeOffset> _goneSince = [];

    /// <summary>How many addresses were probed in all.</summary>
    public int AddressCount => _probers.Count;

    /// <summary>Starts probers for addresses held now and stops those gone for longer than the linger time.</summary>
    public void Follow(IReadOnlyCollection<IPAddress> held)
    {
        var now = time.GetUtcNow();
        foreach (var address in held)
        {
            _goneSince.Remove(address);
            if (!_probers.TryGetValue(address, out var list))
            {
                _probers[address] = list = [];
            }

            if (list.Count == 0 || list[^1].Prober.IsStopped)
            {
                list.Add((Prober.Start(client, address, interval, time), now));
            }
        }

        foreach (var (address, list) in _probers)
        {
            if (held.Contains(address) || list[^1].Prober.IsStopped)
            {
                continue;
            }

            if (!_goneSince.TryGetValue(address, out var since))
            {
                _goneSince[address] = now;
            }
            else if (now - since > linger)
            {
                list[^1].Prober.Dispose();
                _goneSince.Remove(address);
            }
        }
    }

    /// <inheritdoc/>
    public ProbeReport? Report(IPAddress address, DateTimeOffset from, DateTimeOffset to) =>
        // The prober that ran in the window: the last one started before its end (an address's first prober starts
        // when the soak first sees it assigned, after the step that caused it began).
        _probers.TryGetValue(address, out var list) && list.LastOrDefault(p => p.Started <= to).Prober is { } prober
            ? prober.Report(from, to)
            : null;

    /// <summary>Stops every prober.</summary>
    public void Dispose()
    {
        foreach (var (prober, _) in _probers.Values.SelectMany(static l => l))
        {
            prober.Dispose();
        }
    }
}
