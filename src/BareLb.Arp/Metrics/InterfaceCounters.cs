using BareLb.Arp.Codecs;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Metrics;

/// <summary>
/// The running totals of one interface: frames dropped by reason, and a set of
/// <see cref="AddressCounters"/> per address ever announced there. Counting is a plain
/// increment on the receive thread; reading happens when a listener collects.
/// </summary>
internal sealed class InterfaceCounters
{
    private static readonly int ReasonCount = Enum.GetValues<DropReason>().Length;

    private readonly long[] _dropped = new long[ReasonCount];
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddr, AddressCounters> _addresses = [];

    public InterfaceCounters(string interfaceName) => InterfaceName = interfaceName;

    /// <summary>The interface, the <c>interface</c> label.</summary>
    public string InterfaceName { get; }

    /// <summary>Counts a frame not answered; call from the interface's receive thread only.</summary>
    public void Dropped(DropReason reason) => _dropped[(int)reason]++;

    /// <summary>How many frames were dropped for <paramref name="reason"/> so far.</summary>
    public long DroppedCount(DropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    /// <summary>The counters of an address, created on first use and kept from then on.</summary>
    public AddressCounters For(IPAddr address)
    {
        lock (_gate)
        {
            if (!_addresses.TryGetValue(address, out var counters))
            {
                counters = new AddressCounters(address.ToString(), address.IsIPv4 ? "arp" : "ndp");
                _addresses.Add(address, counters);
            }

            return counters;
        }
    }

    /// <summary>A copy of the address counters, for collection.</summary>
    public AddressCounters[] Addresses()
    {
        lock (_gate)
        {
            return [.. _addresses.Values];
        }
    }
}
