using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using BareLb.Membership.Codec;
using BareLb.Membership.Codec.Streams;
using BareLb.Membership.Diagnostics;
using BareLb.Membership.Messages;
using BareLb.Membership.Metrics;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Membership.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Membership.Hosting;

/// <summary>
/// Runs the pure <see cref="MembershipProtocol"/> over a <see cref="MemberlistTransport"/>: received
/// packets and streams go through the <see cref="WireEndpoint"/> into the protocol (one call at a
/// time), the protocol's timers run at <see cref="MembershipProtocol.NextDue"/>, and its outputs
/// become packets, push-pull streams, TCP pings and member events.
/// </summary>
internal sealed partial class MemberlistNode : IAsyncDisposable, IDatagramHost
{
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromSeconds(1);

    private readonly MembershipProtocol _protocol;
    private readonly MemberlistTransport _transport;
    private readonly WireEndpoint _wire;
    private readonly MembershipMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<MemberEvent> _events = Channel.CreateUnbounded<MemberEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _leaveFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _loops = [];
    private readonly WakeTimer _timer;
    private readonly DatagramPath _datagrams;

    /// <summary>When <see cref="_timer"/> fires next (UTC ticks); <see cref="long.MaxValue"/> when it is not set. Guarded by <see cref="_gate"/>.</summary>
    private long _timerDue = long.MaxValue;

    /// <summary>
    /// Whether the transport's receive thread runs the protocol's timers between datagrams (on the system clock; on
    /// any other clock <see cref="_timer"/> runs them all, so that the clock stays in charge).
    /// </summary>
    private readonly bool _timersOnReceiveThread;

    /// <summary>The receive thread's managed id once it runs timers; 0 before.</summary>
    private volatile int _receiveThread;

    /// <summary>
    /// When the receive thread wakes at the latest to run timers (UTC ticks); <see cref="long.MaxValue"/> until it
    /// runs them. Guarded by <see cref="_gate"/>.
    /// </summary>
    private long _receiveThreadDue = long.MaxValue;

    private long _timerThreadTicks;
    private long _receiveThreadTicks;

    public MemberlistNode(MembershipOptions options, string name, WireSettings settings, MemberlistTransport transport, IPEndPoint advertise, TimeProvider? time = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _wire = new WireEndpoint(settings, _time, _logger, meterFactory);
        _metrics = new MembershipMetrics(meterFactory);
        _protocol = new MembershipProtocol(options, name, advertise, _time, logger: _logger, metrics: _metrics, sizer: new CodecMessageSizer(_wire.PacketOverhead));
        _timer = WakeTimer.Create(_time, "BareLb membership timer", OnTimer);
        _timersOnReceiveThread = ReferenceEquals(_time, TimeProvider.System);
        _datagrams = new DatagramPath(_protocol, _wire, _gate, this);
    }

    /// <summary>How many times the timer thread ran the protocol's timers (for tests: once the receive thread runs them, rarely).</summary>
    internal long TimerThreadTicks => Interlocked.Read(ref _timerThreadTicks);

    /// <summary>How many times the receive thread ran the protocol's timers (for tests).</summary>
    internal long ReceiveThreadTicks => Interlocked.Read(ref _receiveThreadTicks);

    /// <summary>Member changes, in order.</summary>
    public ChannelReader<MemberEvent> Events => _events.Reader;

    /// <summary>The wire layer (drops by reason).</summary>
    public WireEndpoint Wire => _wire;

    /// <summary>The live members (alive or suspect), the local one included.</summary>
    public IReadOnlyList<MemberInfo> LiveMembers
    {
        get
        {
            lock (_gate)
            {
                return _protocol.LiveMembers;
            }
        }
    }

    /// <summary>Every member known, dead and left ones included until they are forgotten.</summary>
    public IReadOnlyList<MemberInfo> Members
    {
        get
        {
            lock (_gate)
            {
                return _protocol.Members;
            }
        }
    }

    /// <summary>The Lifeguard health score (0 healthy).</summary>
    public int HealthScore
    {
        get
        {
            lock (_gate)
            {
                return _protocol.HealthScore;
            }
        }
    }

    /// <summary>Whether <see cref="LeaveAsync"/> was called.</summary>
    public bool HasLeft
    {
        get
        {
            lock (_gate)
            {
                return _protocol.HasLeft;
            }
        }
    }

    /// <summary>The probing pace the host asked for.</summary>
    public DetectionPace Pace
    {
        get
        {
            lock (_gate)
            {
                return _protocol.Pace;
            }
        }
    }

    /// <summary>Sets the probing pace (before or after <see cref="Start"/>).</summary>
    public void SetPace(DetectionPace pace) => Call(p => p.SetPace(pace));

    /// <summary>Joins more addresses after <see cref="Start"/>.</summary>
    public void Join(IEnumerable<IPEndPoint> addresses) => Call(p => p.Join(addresses));

    /// <summary>
    /// Starts the protocol, takes the transport's datagrams (those queued before included) on its
    /// receive thread, and joins <paramref name="join"/> (the transport must have started).
    /// </summary>
    public void Start(IEnumerable<IPEndPoint>? join = null)
    {
        IReadOnlyList<ProtocolOutput> outputs;
        lock (_gate)
        {
            outputs = _protocol.Start(join);
            ArmTimer();
        }

        foreach (var queued in _transport.HandPacketsTo(Receive, _timersOnReceiveThread ? RunTimersOnReceiveThread : null))
        {
            Receive(queued.Buffer, queued.From, queued.Timestamp);
        }

        _loops.Add(Task.Run(StreamLoopAsync));
        Perform(outputs);
    }

    /// <summary>Leaves gracefully and waits until the news has been gossiped (or <paramref name="timeout"/>).</summary>
    public async Task LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Call(p => p.Leave());
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, _time, wait.Token);
        await Task.WhenAny(_leaveFinished.Task, delay).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _events.Writer.TryComplete();
        _wire.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    private void Call(Func<MembershipProtocol, IReadOnlyList<ProtocolOutput>> action)
    {
        IReadOnlyList<ProtocolOutput> outputs;
        lock (_gate)
        {
            outputs = action(_protocol);
            ArmTimer();
        }

        Perform(outputs);
    }

    /// <summary>
    /// Makes sure that something wakes for the protocol's next due time. The receive thread, once it
    /// runs timers, reads it again before each wait, so a call on that thread, or a due time it will
    /// wake for anyway, needs nothing. Otherwise (another thread made a timer earlier, or the receive
    /// thread has not started running timers) <see cref="_timer"/> is set to it when that is earlier
    /// than the time it is set to. Waits are capped at a second, as a guard against the clock being
    /// set back. Call it holding <see cref="_gate"/>.
    /// </summary>
    private void ArmTimer()
    {
        var due = _protocol.NextDue;
        if (due == DateTimeOffset.MaxValue || due.UtcTicks >= _timerDue || due.UtcTicks >= _receiveThreadDue
            || _stopping.IsCancellationRequested || Environment.CurrentManagedThreadId == _receiveThread)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var delay = WaitUntil(due, now);
        _timerDue = (now + delay).UtcTicks;
        _timer.Change(delay);
    }

    /// <summary>The wait from <paramref name="now"/> until <paramref name="due"/>, at least zero and at most <see cref="MaxTimerWait"/>.</summary>
    private static TimeSpan WaitUntil(DateTimeOffset due, DateTimeOffset now) =>
        due <= now ? TimeSpan.Zero : due == DateTimeOffset.MaxValue || due - now > MaxTimerWait ? MaxTimerWait : due - now;

    private void OnTimer()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        IReadOnlyList<ProtocolOutput> outputs;
        lock (_gate)
        {
            _timerDue = long.MaxValue;
            _timerThreadTicks++;
            outputs = _protocol.Tick();
            ArmTimer();
        }

        Perform(outputs);
    }

    /// <summary>
    /// The receive thread's idle callback (see <see cref="MemberlistTransport.HandPacketsTo"/>): runs the timers that
    /// are due, then returns how long the thread may wait for a datagram before the next one is.
    /// </summary>
    private TimeSpan RunTimersOnReceiveThread()
    {
        _receiveThread = Environment.CurrentManagedThreadId;
        while (!_stopping.IsCancellationRequested)
        {
            IReadOnlyList<ProtocolOutput> outputs;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                var due = _protocol.NextDue;
                if (due > now)
                {
                    var wait = WaitUntil(due, now);
                    _receiveThreadDue = (now + wait).UtcTicks;
                    return wait;
                }

                _receiveThreadDue = long.MaxValue;
                _receiveThreadTicks++;
                outputs = _protocol.Tick();
            }

            Perform(outputs);
        }

        return MaxTimerWait;
    }

    private void Perform(IReadOnlyList<ProtocolOutput> outputs)
    {
        for (var i = 0; i < outputs.Count; i++)
        {
            switch (outputs[i])
            {
                case SendPacket send:
                    Send(send);
                    break;
                case OpenPushPull open:
                    _ = Task.Run(() => PushPullAsync(open));
                    break;
                case SendStreamPing ping:
                    _ = Task.Run(() => StreamPingAsync(ping));
                    break;
                case MemberChanged changed:
                    _events.Writer.TryWrite(changed.Event);
                    break;
                case LeaveFinished:
                    _leaveFinished.TrySetResult();
                    break;
            }
        }
    }

    private void Send(SendPacket send) => ((IDatagramHost)this).Send(_wire.Frame(send.Messages, checksum: send.ToNode is not null), send.To);

    void IDatagramHost.ArmTimer() => ArmTimer();

    void IDatagramHost.Perform(IReadOnlyList<ProtocolOutput> outputs) => Perform(outputs);

    void IDatagramHost.Send(ReadOnlySpan<byte> packet, IPEndPoint to)
    {
        try
        {
            _transport.SendPacket(packet, to);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Log.SendFailed(_logger, to, e.Message);
        }
    }

    private async Task PushPullAsync(OpenPushPull open)
    {
        string? error = null;
        IReadOnlyList<PushNodeState>? remote = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(open.Timeout);
            var stream = await _transport.OpenStreamAsync(open.To, timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await _wire.WriteStreamAsync(stream, LocalState(open.Join), dialing: true, timeout.Token).ConfigureAwait(false);
                var message = await _wire.ReadStreamAsync(stream, open.To, accepting: false, timeout.Token).ConfigureAwait(false);
                if (message.Reason != DropReason.None)
                {
                    error = "its answer was dropped: " + WireMetrics.ReasonTag(message.Reason);
                }
                else if (message.Type == MessageType.Error)
                {
                    var (_, response) = await WireStream.ReadBodyAsync<ErrorResponse>(message.Body!, timeout.Token).ConfigureAwait(false);
                    error = "it answered with an error: " + (response?.Error ?? "(unreadable)");
                }
                else if (message.Type != MessageType.PushPull)
                {
                    error = $"it answered with message type {(byte)message.Type}, not a push-pull";
                }
                else
                {
                    var (reason, state) = await PushPullState.ReadAsync(message.Body!, timeout.Token).ConfigureAwait(false);
                    if (state is null)
                    {
                        _wire.StreamDropped(reason, open.To);
                        error = "its state was dropped: " + WireMetrics.ReasonTag(reason);
                    }
                    else
                    {
                        remote = state.Nodes;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            error = e.Message;
        }

        Call(p => remote is not null ? p.CompletePushPull(open.Id, remote) : p.FailPushPull(open.Id, error ?? "unknown"));
    }

    private async Task StreamPingAsync(SendStreamPing ping)
    {
        var contacted = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var left = ping.Deadline - _time.GetUtcNow();
            timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            var stream = await _transport.OpenStreamAsync(ping.To, timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await _wire.WriteStreamAsync(stream, MessageCodec.Encode(MessageType.Ping, ping.Ping), dialing: true, timeout.Token).ConfigureAwait(false);
                var message = await _wire.ReadStreamAsync(stream, ping.To, accepting: false, timeout.Token).ConfigureAwait(false);
                if (message is { Reason: DropReason.None, Type: MessageType.AckResponse })
                {
                    var (_, ack) = await WireStream.ReadBodyAsync<AckResponse>(message.Body!, timeout.Token).ConfigureAwait(false);
                    contacted = ack?.SeqNo == ping.Ping.SeqNo;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            contacted = false;
        }

        Call(p => p.CompleteStreamPing(ping.Ping.SeqNo, contacted));
    }

    private byte[] LocalState(bool join)
    {
        IReadOnlyList<PushNodeState> nodes;
        lock (_gate)
        {
            nodes = _protocol.LocalState();
        }

        return new PushPullState(join, nodes, []).Encode();
    }

    /// <summary>Handles a datagram on the transport's receive thread (see <see cref="MemberlistTransport.HandPacketsTo"/>); the datagram is not kept.</summary>
    private void Receive(ReadOnlyMemory<byte> datagram, IPEndPoint from, long timestamp)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        _datagrams.Receive(datagram, from, _time.GetUtcNow() - _time.GetElapsedTime(timestamp));
    }

    private async Task StreamLoopAsync()
    {
        try
        {
            await foreach (var connection in _transport.Streams.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                _ = Task.Run(() => ServeAsync(connection));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(AcceptedConnection connection)
    {
        await using var stream = connection.Stream.ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var message = await _wire.ReadStreamAsync(connection.Stream, connection.From, accepting: true, timeout.Token).ConfigureAwait(false);
            if (message.Reason != DropReason.None)
            {
                return;
            }

            switch (message.Type)
            {
                case MessageType.PushPull:
                    {
                        var (reason, state) = await PushPullState.ReadAsync(message.Body!, timeout.Token).ConfigureAwait(false);
                        if (state is null)
                        {
                            _wire.StreamDropped(reason, connection.From);
                            return;
                        }

                        // As memberlist: answer with our state first, then merge theirs.
                        await _wire.WriteStreamAsync(connection.Stream, LocalState(state.Join), dialing: false, timeout.Token).ConfigureAwait(false);
                        Call(p => p.HandlePushPull(connection.From, state.Join, state.Nodes));
                        break;
                    }

                case MessageType.Ping:
                    {
                        var (reason, ping) = await WireStream.ReadBodyAsync<Ping>(message.Body!, timeout.Token).ConfigureAwait(false);
                        if (ping is null)
                        {
                            _wire.StreamDropped(reason, connection.From);
                            return;
                        }

                        AckResponse? ack;
                        lock (_gate)
                        {
                            ack = _protocol.AnswerStreamPing(ping);
                        }

                        if (ack is not null)
                        {
                            await _wire.WriteStreamAsync(connection.Stream, MessageCodec.Encode(MessageType.AckResponse, ack), dialing: false, timeout.Token).ConfigureAwait(false);
                        }

                        break;
                    }

                default:
                    // User messages have no delegate here; anything else is not a stream message.
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.StreamFailed(_logger, connection.From, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1230, LogLevel.Debug, "Membership packet to {Peer} not sent: {Error}")]
        public static partial void SendFailed(ILogger logger, IPEndPoint peer, string error);

        [LoggerMessage(1231, LogLevel.Debug, "Membership stream from {Peer} failed: {Error}")]
        public static partial void StreamFailed(ILogger logger, IPEndPoint peer, string error);
    }
}
