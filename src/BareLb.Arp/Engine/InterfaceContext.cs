using BareLb.Arp.Announcing;
using BareLb.Arp.Codecs;
using BareLb.Arp.Metrics;
using BareLb.Arp.Responding;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using Microsoft.Extensions.Logging;

namespace BareLb.Arp.Engine;

/// <summary>One interface: its transport, address table, responder, announcer and receive thread.</summary>
internal sealed class InterfaceContext : IDisposable
{
    private readonly IFrameTransport _transport;
    private readonly Layer2Options _options;
    private readonly InterfaceCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AddressTable _table;
    private readonly FrameResponder _responder;
    private readonly Announcer _announcer;
    private readonly Lock _gate = new();
    private readonly Dictionary<MacAddress, int> _groups = [];
    private readonly Thread _receiver;
    private volatile bool _stopping;
    private volatile string? _fault;
    private long _failedFrames;

    /// <summary>How much longer than one poll interval <see cref="Dispose"/> waits for the receive thread.</summary>
    internal static readonly TimeSpan ReceiverGrace = TimeSpan.FromSeconds(1);

    public InterfaceContext(IFrameTransport transport, Layer2Options options, TimeProvider timeProvider, Layer2Metrics metrics, ILogger logger)
    {
        _transport = transport;
        _options = options;
        _counters = metrics.ForInterface(transport.InterfaceName);
        _table = new AddressTable(_counters);
        _time = timeProvider;
        _logger = logger;
        var limiter = new SourceRateLimiter(options.RateLimitPerSecond, options.RateLimitBurst, timeProvider);
        _responder = new FrameResponder(transport.HardwareAddress, _table, limiter, _counters);
        _announcer = new Announcer(transport, options, timeProvider, logger);
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "barelb-arp " + transport.InterfaceName };
    }

    public string Name => _transport.InterfaceName;

    /// <summary>Why the receive thread ended for good (the transport failed in a way it cannot recover from), or null while it runs.</summary>
    public string? Fault => _fault;

    public void Start()
    {
        Layer2Log.InterfaceAdded(_logger, Name, _transport.HardwareAddress.ToString());
        _receiver.Start();
    }

    public bool Announce(IPAddr address)
    {
        lock (_gate)
        {
            if (_table.Snapshot.Find(address) is not null)
            {
                return false;
            }

            if (!address.IsIPv4)
            {
                var group = MacAddress.ForIPv6Multicast(IPv6Addresses.SolicitedNode(address.Value));
                _groups.TryGetValue(group, out var users);
                if (users == 0)
                {
                    _transport.JoinMulticast(group);
                }

                _groups[group] = users + 1;
            }

            var entry = _table.Add(address)!;
            Layer2Log.Announcing(_logger, entry.Text, Name);
            _announcer.Start(entry);
            return true;
        }
    }

    public bool Reannounce(IPAddr address)
    {
        lock (_gate)
        {
            return _table.Snapshot.Find(address) is { } entry && _announcer.Restart(entry);
        }
    }

    public bool Withdraw(IPAddr address)
    {
        lock (_gate)
        {
            var entry = _table.Remove(address);
            if (entry is null)
            {
                return false;
            }

            _announcer.Stop(entry);
            if (!address.IsIPv4)
            {
                var users = _groups[entry.SolicitedNodeGroup] - 1;
                if (users == 0)
                {
                    _groups.Remove(entry.SolicitedNodeGroup);
                    _transport.LeaveMulticast(entry.SolicitedNodeGroup);
                }
                else
                {
                    _groups[entry.SolicitedNodeGroup] = users;
                }
            }

            Layer2Log.Withdrew(_logger, entry.Text, Name);
            return true;
        }
    }

    public IReadOnlyList<IPAddr> Announced() => _table.List();

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var address in _table.List())
            {
                _table.Remove(address);
            }
        }

        _announcer.Dispose();
        _stopping = true;
        _transport.InterruptReceive();

        // The receive loop sees _stopping at once, or within one poll interval when its transport cannot be
        // interrupted. Never wait forever: a disposal
        // that hangs would hang the process that stops (the speaker's StopAsync runs this).
        var timeout = _options.ReceivePollInterval + ReceiverGrace;
        if (_receiver.IsAlive && Thread.CurrentThread != _receiver && !_receiver.Join(timeout))
        {
            Layer2Log.ReceiverDidNotStop(_logger, Name, timeout);
        }

        _transport.Dispose();
        Layer2Log.InterfaceRemoved(_logger, Name);
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(65536, pinned: true);
        Span<byte> reply = stackalloc byte[FrameResponder.MaxReplyLength];
        var busyPollTicks = (long)(_options.BusyPoll.TotalSeconds * _time.TimestampFrequency);

        // A transport that can be woken to stop is waited on without a timeout: an idle interface costs no wake-ups. A
        // link that is down is still polled, to note when it comes back.
        var idleWait = _transport.CanInterruptReceive ? Timeout.InfiniteTimeSpan : _options.ReceivePollInterval;
        var spinUntil = 0L;
        var down = false;
        while (!_stopping)
        {
            int length;
            try
            {
                var spinning = busyPollTicks > 0 && _time.GetTimestamp() < spinUntil;
                length = _transport.Receive(buffer, spinning ? TimeSpan.Zero : down ? _options.ReceivePollInterval : idleWait);
                if (down)
                {
                    down = false;
                    Layer2Log.InterfaceUp(_logger, Name);
                }
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or InvalidOperationException)
            {
                if (_stopping)
                {
                    return;
                }

                // A link going down (a cable, a node's network restarting) is an event to note once, not an error.
                if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.NetworkDown })
                {
                    if (!down)
                    {
                        down = true;
                        Layer2Log.InterfaceDown(_logger, Name);
                    }
                }
                else
                {
                    Layer2Log.ReceiveFailed(_logger, e, Name);
                }

                Thread.Sleep(_options.ReceivePollInterval);
                continue;
            }
#pragma warning disable CA1031 // Anything else from the transport: fail the interface visibly rather than kill the process from a raw thread.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (_stopping)
                {
                    return;
                }

                _fault = $"receiving on {Name} failed: {e.GetType().Name}: {e.Message}";
                Layer2Log.ReceiverFaulted(_logger, e, Name);
                return;
            }

            if (length <= 0)
            {
                continue;
            }

            if (busyPollTicks > 0)
            {
                spinUntil = _time.GetTimestamp() + busyPollTicks;
            }

            try
            {
                var replyLength = _responder.Respond(buffer.AsSpan(0, length), reply);
                if (replyLength > 0 && !_transport.TrySend(reply[..replyLength]))
                {
                    _counters.Dropped(DropReason.SendFailed);
                }
            }
            catch (ObjectDisposedException) when (_stopping)
            {
                return;
            }
#pragma warning disable CA1031 // One frame's failure (a bug) must not end the thread that answers every other frame.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _counters.Dropped(DropReason.Failed);
                var failed = ++_failedFrames;
                if ((failed & (failed - 1)) == 0)
                {
                    Layer2Log.FrameFailed(_logger, e, Name, failed); // the 1st, 2nd, 4th, 8th ...: visible, never a flood
                }
            }
        }
    }
}
