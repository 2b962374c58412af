using System.Net.Sockets;
using BareLb.Arp.Codecs;

namespace BareLb.Arp.Transports;

/// <summary>
/// Frames over a Linux AF_PACKET socket bound to one interface, built on
/// <see cref="System.Net.Sockets.Socket"/> with no native dependency. A kernel BPF filter passes
/// only ARP and neighbor solicitations; solicited-node groups are joined with
/// PACKET_ADD_MEMBERSHIP rather than promiscuous mode; receiving and sending do not allocate.
/// Needs CAP_NET_RAW.
/// </summary>
public sealed partial class AfPacketTransport : IFrameTransport
{
    private readonly Socket _socket;
    private readonly int _interfaceIndex;
    private volatile bool _disposed;
    private int _timeoutMilliseconds;

    private AfPacketTransport(Socket socket, string interfaceName, int interfaceIndex, MacAddress hardwareAddress)
    {
        _socket = socket;
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
    /// Waits in one blocking recv(2) bounded by SO_RCVTIMEO, so a frame costs a single system
    /// call and one wake-up. A zero <paramref name="timeout"/> only checks the queue (FIONREAD).
    /// </remarks>
    public int Receive(Span<byte> buffer, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (timeout <= TimeSpan.Zero)
        {
            return _socket.Available > 0 ? ReceiveNow(buffer) : 0;
        }

        var milliseconds = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 1, int.MaxValue);
        if (milliseconds != Volatile.Read(ref _timeoutMilliseconds))
        {
            _socket.ReceiveTimeout = milliseconds;
            Volatile.Write(ref _timeoutMilliseconds, milliseconds);
        }

        return ReceiveNow(buffer);
    }

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
        _socket.Dispose();
    }

    private int ReceiveNow(Span<byte> buffer)
    {
        var received = _socket.Receive(buffer, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => received,
            SocketError.WouldBlock or SocketError.TimedOut or SocketError.Interrupted => 0,
            SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket when _disposed => throw new ObjectDisposedException(nameof(AfPacketTransport)),
            _ => throw new SocketException((int)error),
        };
    }
}
