using System.Net.Sockets;
using System.Runtime.InteropServices;
using BareLb.Arp.Codecs;

namespace BareLb.Arp.Transports;

/// <summary>
/// Frames over a Linux AF_PACKET socket bound to one interface, built on
/// <see cref="System.Net.Sockets.Socket"/> and a few libc calls (no native library of its own). A kernel BPF filter passes
/// only ARP and neighbor solicitations; solicited-node groups are joined with
/// PACKET_ADD_MEMBERSHIP rather than promiscuous mode; receiving and sending do not allocate.
/// A receive waits in poll(2) with an eventfd beside the socket, so it needs no timeout to notice a stop
/// (<see cref="InterruptReceive"/>). Needs CAP_NET_RAW.
/// </summary>
public sealed partial class AfPacketTransport : IFrameTransport
{
    private readonly Socket _socket;
    private readonly int _interfaceIndex;
    private readonly ReceiveWaiter _waiter;
    private volatile bool _disposed;

    private AfPacketTransport(Socket socket, ReceiveWaiter waiter, string interfaceName, int interfaceIndex, MacAddress hardwareAddress)
    {
        _socket = socket;
        _waiter = waiter;
        InterfaceName = interfaceName;
        _interfaceIndex = interfaceIndex;
        HardwareAddress = hardwareAddress;
    }

    /// <inheritdoc/>
    public string InterfaceName { get; }

    /// <inheritdoc/>
    public MacAddress HardwareAddress { get; }

    /// <summary>The interface's index in its network namespace.</summary>
    public int InterfaceIndex => _interfaceIndex;

    /// <summary>Opens the transport on an Ethernet interface.</summary>
    /// <param name="interfaceName">The interface, such as <c>eth0</c>.</param>
    /// <param name="networkNamespace">A named network namespace (<c>ip netns</c>) to open it in; the current one when null.</param>
    /// <exception cref="FrameTransportException">Not Linux, no such interface, not Ethernet, or no CAP_NET_RAW; the message says which.</exception>
    public static AfPacketTransport Open(string interfaceName, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        if (!OperatingSystem.IsLinux())
        {
            throw new FrameTransportException("The AF_PACKET transport needs Linux; use --transport pcap elsewhere.");
        }

        if (interfaceName.Length is 0 or > 15)
        {
            throw new FrameTransportException($"'{interfaceName}' is not an interface name (1 to 15 characters).");
        }

        return networkNamespace is null ? OpenHere(interfaceName) : NetworkNamespace.Run(networkNamespace, () => OpenHere(interfaceName));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A frame already queued costs one non-blocking recv(2); otherwise the call waits in poll(2) for the socket (or for
    /// <see cref="InterruptReceive"/>), then reads. <see cref="Timeout.InfiniteTimeSpan"/> waits without a limit; a
    /// zero <paramref name="timeout"/> only reads what is queued.
    /// </remarks>
    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var received = ReceiveQueued(buffer);
        if (received >= 0 || (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan))
        {
            return Math.Max(received, 0);
        }

        return _waiter.WaitReadable(_socket.SafeHandle, timeout) ? Math.Max(ReceiveQueued(buffer), 0) : 0;
    }

    /// <inheritdoc/>
    public bool CanInterruptReceive => true;

    /// <inheritdoc/>
    public void InterruptReceive() => _waiter.Interrupt();

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sent = _socket.Send(frame, SocketFlags.None, out var error);
        return error == SocketError.Success && sent == frame.Length;
    }

    /// <inheritdoc/>
    public void JoinMulticast(MacAddress group) => ChangeMembership(LinuxNative.PacketAddMembership, group);

    /// <inheritdoc/>
    public void LeaveMulticast(MacAddress group) => ChangeMembership(LinuxNative.PacketDropMembership, group);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // A receive in poll(2) holds the socket: Socket.Dispose would wait for it to return.
        _waiter.Interrupt();
        _socket.Dispose();
        _waiter.Dispose();
    }

    // One frame if one is queued (its length), or -1 when none is.
    private unsafe int ReceiveQueued(Span<byte> buffer)
    {
        var added = false;
        nint received;
        int errno;
        try
        {
            _socket.SafeHandle.DangerousAddRef(ref added);
            fixed (byte* bytes = buffer)
            {
                received = LinuxNative.Recv(_socket.SafeHandle.DangerousGetHandle(), bytes, (nuint)buffer.Length, LinuxNative.MsgDontWait);
            }

            errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
        }
        finally
        {
            if (added)
            {
                _socket.SafeHandle.DangerousRelease();
            }
        }

        return received >= 0
            ? (int)received
            : errno switch
            {
                LinuxNative.EAgain or LinuxNative.EIntr => -1,
                LinuxNative.ENetDown => throw new SocketException((int)SocketError.NetworkDown),
                _ => throw new IOException($"Receiving on {InterfaceName} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})."),
            };
    }
}
