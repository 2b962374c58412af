using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BareLb.Arp.Transports;

/// <summary>A <c>sockaddr_ll</c> (Linux packet(7)) for binding an AF_PACKET socket to an interface.</summary>
internal sealed class PacketEndPoint : EndPoint
{
    private const int SockAddrLlLength = 20;

    public PacketEndPoint(int interfaceIndex, ushort protocol)
    {
        InterfaceIndex = interfaceIndex;
        Protocol = protocol;
    }

    public int InterfaceIndex { get; }

    /// <summary>The EtherType to receive, in host order (ETH_P_ALL for every type).</summary>
    public ushort Protocol { get; }

    public override AddressFamily AddressFamily => AddressFamily.Packet;

    public override SocketAddress Serialize()
    {
        // struct sockaddr_ll { u16 family; be16 protocol; int ifindex; u16 hatype; u8 pkttype; u8 halen; u8 addr[8]; }
        var address = new SocketAddress(AddressFamily.Packet, SockAddrLlLength);
        var bytes = address.Buffer.Span;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[2..], Protocol);
        BitConverter.TryWriteBytes(bytes[4..], InterfaceIndex);
        return address;
    }

    public override EndPoint Create(SocketAddress socketAddress) => this;

    public override string ToString() => $"packet:{InterfaceIndex}/0x{Protocol:x4}";
}
