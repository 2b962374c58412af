using BareLb.Arp.Codecs;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Responding;

/// <summary>An address announced on one interface, with what the packet path needs precomputed.</summary>
internal sealed class AnnouncedAddress
{
    public AnnouncedAddress(IPAddr address)
    {
        Address = address;
        Text = address.ToString();
        if (!address.IsIPv4)
        {
            SolicitedNodeGroup = MacAddress.ForIPv6Multicast(IPv6Addresses.SolicitedNode(address.Value));
        }
    }

    public IPAddr Address { get; }

    /// <summary>The address as text, the value of the metrics' address tag (so tagging never allocates).</summary>
    public string Text { get; }

    /// <summary>The MAC of the solicited-node group an IPv6 address is solicited on.</summary>
    public MacAddress SolicitedNodeGroup { get; }
}
