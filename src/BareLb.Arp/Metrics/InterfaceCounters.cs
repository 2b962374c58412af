using BareLb.Arp.Codecs;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Metrics;

/// <summary>
/// The running totals of one interface: frames dropped by reason, and a set of
/// <see cref="AddressCounters"/> per address ever announced there, of which only the addresses
/// announced now are reported (a withdrawn address's series disappear, as Prometheus expects of
/// an object that went away; its totals are kept, so a return never makes a counter go back). Counting is a plain
/// increment on the receive thread; reading happens when a listener collects.
/// </summary>
internal sealed class InterfaceCounters
{
    private static readonly int ReasonCount = Enum.GetValues<DropReason>().Length;

    private readonly long[] _dropped = new long[ReasonCount];
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddr, AddressCounters> _addresses = [];
    private readonly HashSet<IPAddr> _announced = [];

    public InterfaceCounters(string interfaceName) => InterfaceName = interfaceName;

    /// <summary>The interface, the <c>interface</c> label.</summary>
    public string InterfaceName { get; }

    /// <summary>Counts a frame not answered; call from the interface's receive thread only.</summary>
    public void Dropped(DropReason reason) => _dropped[(int)reason]++;

    /// <summary>How many frames were dropped for <paramref name="reason"/> so far.</summary>
    public long DroppedCount(DropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    /// <summary>The counters of an address now announced, created on first use and kept from then on.</summary>
    public AddressCounters For(IPAddr address)
    {
        lock (_gate)
        {
            if (!_addresses.TryGetValue(address, out var counters))
            {
                counters = new AddressCounters(address.ToString(), address.IsIPv4 ? "arp" : "ndp");
                _addresses.Add(address, counters);
            }

            _announced.Add(address);
            return counters;
        }
    }

    /// <summary>Stops reporting an address that is no longer announced (its totals stay for a return).</summary>
    public void Withdrawn(IPAddr address)
    {
        lock (_gate)
        {
            _announced.Remove(address);
        }
    }

    /// <summary>A copy of the counters of the addresses announced now, for collection.</summary>
    public AddressCounters[] Addresses()
    {
        lock (_gate)
        {
            var announced = new AddressCounters[_announced.Count];
            var i = 0;
            foreach (var address in _announced)
            {
                announced[i++] = _addresses[address];
            }

            return announced;
        }
    }
}
