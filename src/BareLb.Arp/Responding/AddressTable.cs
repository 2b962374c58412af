using BareLb.Arp.Metrics;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Responding;

/// <summary>
/// The addresses announced on one interface. The packet path reads an immutable snapshot
/// through one volatile read and never locks; writers build a new snapshot under a lock and
/// publish it, so an update never stalls the packet path and takes effect for the next frame.
/// </summary>
internal sealed class AddressTable
{
    private readonly Lock _writeLock = new();
    private readonly Dictionary<IPAddr, AnnouncedAddress> _entries = [];
    private readonly InterfaceCounters _counters;
    private AddressSnapshot _snapshot = AddressSnapshot.Empty;

    /// <param name="counters">Where each address's requests, replies and announcements are counted.</param>
    public AddressTable(InterfaceCounters counters) => _counters = counters;

    /// <summary>The current snapshot; lock-free.</summary>
    public AddressSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public int Count => Snapshot.Count;

    /// <summary>Adds an address; returns the new entry, or null if it was already present.</summary>
    public AnnouncedAddress? Add(IPAddr address)
    {
        lock (_writeLock)
        {
            if (_entries.ContainsKey(address))
            {
                return null;
            }

            var entry = new AnnouncedAddress(address, _counters.For(address));
            _entries.Add(address, entry);
            Volatile.Write(ref _snapshot, AddressSnapshot.Build(_entries.Values));
            return entry;
        }
    }

    /// <summary>Removes an address; returns its entry, or null if absent.</summary>
    public AnnouncedAddress? Remove(IPAddr address)
    {
        lock (_writeLock)
        {
            if (!_entries.Remove(address, out var entry))
            {
                return null;
            }

            _counters.Withdrawn(address);
            Volatile.Write(ref _snapshot, AddressSnapshot.Build(_entries.Values));
            return entry;
        }
    }

    public IReadOnlyList<IPAddr> List()
    {
        lock (_writeLock)
        {
            return [.. _entries.Keys.Order()];
        }
    }
}
