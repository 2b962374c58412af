using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Responding;

/// <summary>An address announced on one interface, with what the packet path needs precomputed.</summary>
internal sealed class AnnouncedAddress
{
    public AnnouncedAddress(IPAddr address, AddressCounters counters)
    {
        Address = address;
        Counters = counters;
        Text = counters.Address;
        if (!address.IsIPv4)
        {
            SolicitedNodeGroup = MacAddress.ForIPv6Multicast(IPv6Addresses.SolicitedNode(address.Value));
        }
    }

    public IPAddr Address { get; }

    /// <summary>The address as text, for logs.</summary>
    public string Text { get; }

    /// <summary>Requests, replies and announcements for this address on its interface.</summary>
    public AddressCounters Counters { get; }

    /// <summary>The MAC of the solicited-node group an IPv6 address is solicited on.</summary>
    public MacAddress SolicitedNodeGroup { get; }
}
