using BareLb.Arp.Codecs;
using BareLb.Core.Addresses;

namespace BareLb.Arp.Announcing;

/// <summary>Builds the unsolicited frames that tell a link an address has moved.</summary>
internal static class AnnouncementWriter
{
    /// <summary>
    /// Writes a gratuitous ARP (an RFC 5227 announcement: a broadcast request whose sender and
    /// target protocol addresses are the address) for IPv4, or an unsolicited neighbor
    /// advertisement with the override flag to all nodes, sourced from the address, for IPv6.
    /// Returns the frame's length.
    /// </summary>
    public static int Write(Span<byte> frame, IPAddr address, MacAddress hardwareAddress)
    {
        if (address.IsIPv4)
        {
            var header = Ethernet.Write(frame, MacAddress.Broadcast, hardwareAddress, Ethernet.TypeArp, false, 0);
            var ip = address.ToUInt32();
            new ArpPacket(ArpPacket.OperationRequest, hardwareAddress, ip, MacAddress.Zero, ip).Write(frame[header..]);
            return header + ArpPacket.Length;
        }

        var allNodes = IPv6Addresses.AllNodes;
        var length = Ethernet.Write(frame, MacAddress.ForIPv6Multicast(allNodes), hardwareAddress, Ethernet.TypeIPv6, false, 0);
        length += NeighborDiscovery.WriteAdvertisement(frame[length..], address.Value, allNodes, address.Value, hardwareAddress, NeighborDiscovery.FlagOverride);
        return length;
    }
}
