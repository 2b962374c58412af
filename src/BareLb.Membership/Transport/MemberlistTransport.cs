using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Membership.Transport;

/// <summary>
/// memberlist's <c>NetTransport</c>: one UDP socket and one TCP listener on the same address and
/// port. Received datagrams and accepted connections are queued for the protocol; packets are
/// sent from the UDP socket (so that peers see our port as the source), streams opened with a
/// timeout. No protocol logic lives here.
/// </summary>
public sealed partial class MemberlistTransport : IAsyncDisposable
{
    private const int MaxDatagram = 65536;
    private const int ReceiveBufferBytes = 2 * 1024 * 1024;

    /// <summary>Senders remembered by <see cref="Sender"/> (and destinations by <see cref="Destination"/>) before it starts over.</summary>
    private const int MaxSenders = 4096;

    private readonly MemberlistTransportOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<AddressFamily, SocketType, ProtocolType, Socket> _createSocket;
    private readonly Channel<ReceivedPacket> _packets;
    private readonly Channel<AcceptedConnection> _streams = Channel.CreateBounded<AcceptedConnection>(new BoundedChannelOptions(128) { FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _udp;
    private Socket? _tcp;
    private Task _loops = Task.CompletedTask;
    private DatagramHandler? _onDatagram;
    private Func<TimeSpan>? _onIdle;
    private long _queueDrops;

    /// <summary>Socket addresses of the end points sent to; any thread sends.</summary>
    private readonly ConcurrentDictionary<IPEndPoint, SocketAddress> _destinations = new();

    /// <summary>Sender end points by socket address; only the receive thread touches it.</summary>
    private readonly Dictionary<SocketAddress, IPEndPoint> _senders = [];

    /// <summary>Creates a transport; <see cref="Start()"/> binds it.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public MemberlistTransport(MemberlistTransportOptions options, TimeProvider? timeProvider = null, ILogger<MemberlistTransport>? logger = null)
        : this(options, timeProvider, logger, static (family, type, protocol) => new Socket(family, type, protocol))
    {
    }

    internal MemberlistTransport(MemberlistTransportOptions options, TimeProvider? timeProvider, ILogger? logger, Func<AddressFamily, SocketType, ProtocolType, Socket> createSocket)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _createSocket = createSocket;
        _packets = Channel.CreateBounded<ReceivedPacket>(new BoundedChannelOptions(options.PacketQueueLength) { FullMode = BoundedChannelFullMode.DropWrite, SingleWriter = true }, _ => Interlocked.Increment(ref _queueDrops));
    }

    /// <summary>The bound address and port (the port picked when <see cref="MemberlistTransportOptions.BindPort"/> was 0).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_tcp?.LocalEndPoint ?? throw new InvalidOperationException("The transport has not started.");

    /// <summary>Datagrams received, in order of arrival.</summary>
    public ChannelReader<ReceivedPacket> Packets => _packets.Reader;

    /// <summary>Connections peers opened to us.</summary>
    public ChannelReader<AcceptedConnection> Streams => _streams.Reader;

    /// <summary>Datagrams dropped because the reader of <see cref="Packets"/> fell behind.</summary>
    public long PacketsDroppedByQueue => Interlocked.Read(ref _queueDrops);

    /// <summary>Binds TCP, then UDP on the same port, and starts receiving datagrams into <see cref="Packets"/>.</summary>
    /// <exception cref="SocketException">The address or port cannot be bound.</exception>
    public void Start() => Start(null);

    /// <summary>
    /// Binds TCP, then UDP on the same port, and starts receiving; each datagram is handed to
    /// <paramref name="onPacket"/> on the transport's receive thread, in order of arrival, instead
    /// of being queued to <see cref="Packets"/> (which then stays empty). The handler should be
    /// quick: the next datagram waits for it in the socket's buffer. An exception it throws is logged
    /// and receiving goes on.
    /// </summary>
    /// <exception cref="SocketException">The address or port cannot be bound.</exception>
    public void Start(Action<ReceivedPacket>? onPacket)
    {
        if (_tcp is not null)
        {
            throw new InvalidOperationException("The transport has already started.");
        }

        var family = _options.BindAddress.AddressFamily;
        var tcp = _createSocket(family, SocketType.Stream, ProtocolType.Tcp);
        var udp = _createSocket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (_options.BindAddress.Equals(IPAddress.IPv6Any))
            {
                tcp.DualMode = true;
                udp.DualMode = true;
            }

            tcp.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            tcp.Bind(new IPEndPoint(_options.BindAddress, _options.BindPort));
            tcp.Listen(128);
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            try
            {
                udp.ReceiveBufferSize = ReceiveBufferBytes;
            }
            catch (SocketException)
            {
                // The kernel caps it (net.core.rmem_max); its default stays.
            }

            udp.Bind(new IPEndPoint(_options.BindAddress, port));
        }
        catch
        {
            tcp.Dispose();
            udp.Dispose();
            throw;
        }

        _tcp = tcp;
        _udp = udp;
        _onDatagram = onPacket is null ? null : (datagram, from, timestamp) => onPacket(new ReceivedPacket(datagram.ToArray(), from, timestamp));
        Log.Started(_logger, LocalEndPoint);
        _loops = Task.WhenAll(
            Task.Factory.StartNew(ReceiveLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default),
            Task.Factory.StartNew(AcceptLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
    }

    /// <summary>
    /// Hands each datagram received from now on to <paramref name="onDatagram"/> on the receive thread, as
    /// <see cref="Start(Action{ReceivedPacket})"/> does, for a transport already started without one, but in
    /// the receive buffer (valid only during the call) instead of a copy; returns the datagrams queued to
    /// <see cref="Packets"/> until then, in order.
    /// </summary>
    /// <param name="onDatagram">Takes each datagram.</param>
    /// <param name="onIdle">
    /// When given, the receive thread calls it before it waits for the next datagram (from the first datagram on), and
    /// waits at most the time it returns (<see cref="Timeout.InfiniteTimeSpan"/>: no limit), then calls it again: a host
    /// runs its timers there, on the same thread, so that a timer costs no other thread's wake-up.
    /// </param>
    internal IReadOnlyList<ReceivedPacket> HandPacketsTo(DatagramHandler onDatagram, Func<TimeSpan>? onIdle = null)
    {
        Volatile.Write(ref _onIdle, onIdle);
        Volatile.Write(ref _onDatagram, onDatagram);
        var queued = new List<ReceivedPacket>();
        while (_packets.Reader.TryRead(out var packet))
        {
            queued.Add(packet);
        }

        return queued;
    }

    /// <summary>
    /// Sends a datagram from the membership port. UDP sends do not wait for the peer, so this
    /// completes synchronously: see <see cref="SendPacket"/>.
    /// </summary>
    /// <exception cref="SocketException">The kernel refused the datagram (no route, for example).</exception>
    public ValueTask SendPacketAsync(ReadOnlyMemory<byte> packet, IPEndPoint to, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        SendPacket(packet.Span, to);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Sends a datagram from the membership port with a blocking send, which for UDP returns as
    /// soon as the kernel has queued it. The socket stays in blocking mode, so that receiving
    /// needs no socket-engine thread.
    /// </summary>
    /// <exception cref="SocketException">The kernel refused the datagram (no route, for example).</exception>
    public void SendPacket(ReadOnlySpan<byte> packet, IPEndPoint to)
    {
        ArgumentNullException.ThrowIfNull(to);
        var udp = _udp ?? throw new InvalidOperationException("The transport has not started.");
        udp.SendTo(packet, SocketFlags.None, Destination(udp, to));
    }

    /// <summary>Opens a stream to a peer, within <see cref="MemberlistTransportOptions.StreamTimeout"/>.</summary>
    /// <exception cref="TimeoutException">The peer did not accept in time.</exception>
    /// <exception cref="SocketException">The peer refused or cannot be reached.</exception>
    public async Task<Stream> OpenStreamAsync(IPEndPoint to, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to);
        var family = _options.BindAddress.Equals(IPAddress.IPv6Any) ? AddressFamily.InterNetworkV6 : to.AddressFamily;
        var socket = _createSocket(family, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        timeout.CancelAfter(_options.StreamTimeout);
        try
        {
            if (family == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = true;
            }

            socket.NoDelay = true;
            await socket.ConnectAsync(Map(socket, to), timeout.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"Opening a stream to {to} took longer than {_options.StreamTimeout.TotalSeconds:0.###} s.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops receiving and closes the sockets.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _udp?.Dispose();
        _tcp?.Dispose();
        try
        {
            await _loops.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _packets.Writer.TryComplete();
        _streams.Writer.TryComplete();
        while (_streams.Reader.TryRead(out var stream))
        {
            await stream.Stream.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static IPEndPoint Map(Socket socket, IPEndPoint to)
        => socket.AddressFamily == AddressFamily.InterNetworkV6 && to.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(to.Address.MapToIPv6(), to.Port)
            : to;

    private static IPEndPoint Unmap(EndPoint endPoint)
    {
        var ip = (IPEndPoint)endPoint;
        return ip.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : ip;
    }

    /// <summary>The socket address of <paramref name="to"/>, made once per end point (a send with an end point makes one each time).</summary>
    private SocketAddress Destination(Socket udp, IPEndPoint to)
    {
        if (_destinations.TryGetValue(to, out var known))
        {
            return known;
        }

        if (_destinations.Count >= MaxSenders)
        {
            _destinations.Clear();
        }

        var address = Map(udp, to).Serialize();
        _destinations[to] = address;
        return address;
    }

    /// <summary>The sender's end point, the same instance for the same address and port (a receive makes none).</summary>
    private IPEndPoint Sender(SocketAddress address)
    {
        if (_senders.TryGetValue(address, out var known))
        {
            return known;
        }

        if (_senders.Count >= MaxSenders)
        {
            _senders.Clear();
        }

        var key = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(key.Buffer.Span);
        var sender = Unmap(new IPEndPoint(IPAddress.Any, 0).Create(key));
        _senders.Add(key, sender);
        return sender;
    }

    /// <summary>
    /// Reads datagrams on a thread of its own with blocking receives: a datagram costs one thread
    /// wake-up, where an asynchronous receive costs the socket engine's and a thread-pool worker's
    /// as well (which an idle member pays dozens of times a second). With an idle callback (see
    /// <see cref="HandPacketsTo"/>) it first waits in poll(2) for at most the time the callback
    /// gives. <see cref="DisposeAsync"/> closes the socket, which interrupts the wait and the receive.
    /// </summary>
    private void ReceiveLoop()
    {
        var udp = _udp!;
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram);
        var from = new SocketAddress(udp.AddressFamily);
        while (!_stopping.IsCancellationRequested)
        {
            int received;
            try
            {
                if (Volatile.Read(ref _onIdle) is { } onIdle && !WaitReadable(udp, RunIdle(onIdle)))
                {
                    continue;
                }

                received = udp.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize or SocketError.ConnectionRefused)
            {
                // An ICMP error for an earlier send, or a datagram larger than 64 KiB: keep reading.
                continue;
            }
            catch (SocketException e)
            {
                Log.ReceiveFailed(_logger, e.SocketErrorCode, e);
                continue;
            }

            if (received == 0)
            {
                continue;
            }

            var sender = Sender(from);
            var timestamp = _time.GetTimestamp();
            if (Volatile.Read(ref _onDatagram) is { } onDatagram)
            {
                try
                {
                    onDatagram(buffer.AsMemory(0, received), sender, timestamp);
                }
#pragma warning disable CA1031 // A handler's bug must not stop the receiving of every later datagram.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Log.HandlerFailed(_logger, sender, e);
                }
            }
            else
            {
                _packets.Writer.TryWrite(new ReceivedPacket(buffer.AsSpan(0, received).ToArray(), sender, timestamp));
            }
        }
    }

    /// <summary>Runs the idle callback; a bug in it is logged, and the loop waits at most a second before it calls again.</summary>
    private TimeSpan RunIdle(Func<TimeSpan> onIdle)
    {
        try
        {
            return onIdle();
        }
#pragma warning disable CA1031 // A handler's bug must not stop the receiving of every later datagram.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.IdleFailed(_logger, e);
            return TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>Waits until <paramref name="udp"/> has a datagram (or an error) to read, for at most <paramref name="timeout"/> rounded up to whole milliseconds; false when it passed.</summary>
    private static bool WaitReadable(Socket udp, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return true;
        }

        // poll(2) counts whole milliseconds: a fraction cut off would wake before the time, to wait again for nothing.
        var milliseconds = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue / 1000);
        return udp.Poll(milliseconds * 1000, SelectMode.SelectRead);
    }

    private async Task AcceptLoopAsync()
    {
        var tcp = _tcp!;
        var delay = TimeSpan.FromMilliseconds(5);
        while (!_stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await tcp.AcceptAsync(_stopping.Token).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(5);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                // As memberlist: back off on accept errors (file descriptors exhausted, ...), up to 1 s.
                Log.AcceptFailed(_logger, e.SocketErrorCode, e);
                try
                {
                    await Task.Delay(delay, _time, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond));
                continue;
            }

            accepted.NoDelay = true;
            var stream = new AcceptedConnection(new NetworkStream(accepted, ownsSocket: true), Unmap(accepted.RemoteEndPoint!));
            try
            {
                await _streams.Writer.WriteAsync(stream, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                await stream.Stream.DisposeAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Takes a datagram in the receive buffer, valid only during the call.</summary>
    internal delegate void DatagramHandler(ReadOnlyMemory<byte> datagram, IPEndPoint from, long timestamp);

    private static partial class Log
    {
        [LoggerMessage(1201, LogLevel.Information, "Membership transport listening on {EndPoint} (UDP and TCP)")]
        public static partial void Started(ILogger logger, IPEndPoint endPoint);

        [LoggerMessage(1202, LogLevel.Warning, "Membership UDP receive failed: {Error}")]
        public static partial void ReceiveFailed(ILogger logger, SocketError error, Exception exception);

        [LoggerMessage(1203, LogLevel.Warning, "Membership TCP accept failed: {Error}")]
        public static partial void AcceptFailed(ILogger logger, SocketError error, Exception exception);

        [LoggerMessage(1204, LogLevel.Error, "Membership packet handler failed on a datagram from {Peer}; receiving goes on")]
        public static partial void HandlerFailed(ILogger logger, IPEndPoint peer, Exception exception);

        [LoggerMessage(1205, LogLevel.Error, "Membership timers failed on the receive thread; receiving goes on")]
        public static partial void IdleFailed(ILogger logger, Exception exception);
    }
}
