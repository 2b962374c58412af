using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using BareLb.Arp.Codecs;

namespace BareLb.Arp.Transports;

/// <summary>The Linux system calls behind <see cref="AfPacketTransport"/>.</summary>
public sealed partial class AfPacketTransport
{
    private const int IfReqLength = 40;

    private static AfPacketTransport OpenHere(string interfaceName)
    {
        Socket socket;
        try
        {
            // Protocol 0: nothing is queued until bind, so no frame of another interface slips in
            // before the filter is attached.
            socket = new Socket(AddressFamily.Packet, SocketType.Raw, ProtocolType.Unspecified);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied || e.NativeErrorCode is 1 or 13)
        {
            throw new FrameTransportException($"Cannot open a packet socket for {interfaceName}: permission denied (CAP_NET_RAW is needed).", e);
        }
        catch (SocketException e)
        {
            throw new FrameTransportException($"Cannot open a packet socket for {interfaceName}: {e.Message}.", e);
        }

        try
        {
            var index = QueryIndex(socket, interfaceName);
            var hardwareAddress = QueryHardwareAddress(socket, interfaceName);
            socket.SetRawSocketOption(LinuxNative.SolSocket, LinuxNative.SoAttachFilter, FilterProgram());
            try
            {
                socket.SetRawSocketOption(LinuxNative.SolPacket, LinuxNative.PacketIgnoreOutgoing, BitConverter.GetBytes(1));
            }
            catch (SocketException)
            {
                // Kernels before 4.20 lack PACKET_IGNORE_OUTGOING; the filter drops outgoing frames anyway.
            }

            SetReceiveBuffer(socket);
            socket.Bind(new PacketEndPoint(index, LinuxNative.EthPAll));
            return new AfPacketTransport(socket, new ReceiveWaiter(), interfaceName, index, hardwareAddress);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks for a 4 MiB receive queue so that a burst or a late wake-up loses nothing: with
    /// CAP_NET_ADMIN past net.core.rmem_max (SO_RCVBUFFORCE), otherwise up to it.
    /// </summary>
    private static void SetReceiveBuffer(Socket socket)
    {
        const int size = 4 << 20;
        try
        {
            socket.SetRawSocketOption(LinuxNative.SolSocket, LinuxNative.SoRcvBufForce, BitConverter.GetBytes(size));
        }
        catch (SocketException)
        {
            socket.ReceiveBufferSize = size;
        }
    }

    private static unsafe byte[] FilterProgram()
    {
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } holds a pointer;
        // the program lives on the pinned object heap, so the pointer outlives the fixed block.
        var program = Filter;
        var fprog = new byte[16];
        BitConverter.TryWriteBytes(fprog, (ushort)(program.Length / 8));
        fixed (byte* p = program)
        {
            BitConverter.TryWriteBytes(fprog.AsSpan(8), (ulong)p);
        }

        return fprog;
    }

    /// <summary>The filter program on the pinned object heap: its address stays valid for as long as the process lives.</summary>
    private static readonly byte[] Filter = Pinned(PacketFilter.Build());

    private static byte[] Pinned(byte[] program)
    {
        var pinned = GC.AllocateArray<byte>(program.Length, pinned: true);
        program.CopyTo(pinned, 0);
        return pinned;
    }

    private static unsafe int QueryIndex(Socket socket, string interfaceName)
    {
        Span<byte> request = stackalloc byte[IfReqLength];
        WriteName(request, interfaceName);
        fixed (byte* p = request)
        {
            if (LinuxNative.IoCtl(socket.Handle, LinuxNative.SiocGifIndex, p) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new FrameTransportException(errno is LinuxNative.ENoDev or LinuxNative.ENxIo
                    ? $"Interface {interfaceName} does not exist."
                    : $"Cannot look up interface {interfaceName}: {Marshal.GetPInvokeErrorMessage(errno)}.");
            }
        }

        return BitConverter.ToInt32(request[16..]);
    }

    private static unsafe MacAddress QueryHardwareAddress(Socket socket, string interfaceName)
    {
        Span<byte> request = stackalloc byte[IfReqLength];
        WriteName(request, interfaceName);
        fixed (byte* p = request)
        {
            if (LinuxNative.IoCtl(socket.Handle, LinuxNative.SiocGifHwAddr, p) != 0)
            {
                throw new FrameTransportException($"Cannot read the hardware address of {interfaceName}: {Marshal.GetLastPInvokeErrorMessage()}.");
            }
        }

        // ifr_hwaddr is a struct sockaddr at offset 16: sa_family is the ARPHRD type.
        if (BitConverter.ToUInt16(request[16..]) != LinuxNative.ArpHrdEther)
        {
            throw new FrameTransportException($"Interface {interfaceName} is not an Ethernet interface.");
        }

        return MacAddress.Read(request[18..]);
    }

    private static void WriteName(Span<byte> request, string interfaceName)
    {
        request.Clear();
        Encoding.ASCII.GetBytes(interfaceName, request[..15]);
    }

    private void ChangeMembership(int operation, MacAddress group)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // struct packet_mreq { int mr_ifindex; unsigned short mr_type; unsigned short mr_alen; unsigned char mr_address[8]; }
        Span<byte> request = stackalloc byte[16];
        request.Clear();
        BitConverter.TryWriteBytes(request, _interfaceIndex);
        BitConverter.TryWriteBytes(request[4..], LinuxNative.PacketMrMulticast);
        BitConverter.TryWriteBytes(request[6..], (ushort)6);
        group.WriteTo(request[8..]);
        _socket.SetRawSocketOption(LinuxNative.SolPacket, operation, request);
    }
}
