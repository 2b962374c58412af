using System.Diagnostics.Metrics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Core.Addresses;
using BareLb.Membership.Hosting;
using BareLb.Membership.Protocol;
using BareLb.Speaker.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Standalone.Failover;

/// <summary>
/// Standalone appliances that share addresses: each is a member of a memberlist cluster on port
/// 7946, and each address is announced by the live member Core's election picks. A member that
/// dies loses its addresses to the survivors, which announce them with a burst. On SIGTERM the
/// member leaves the cluster first, keeps answering until each successor has announced (its
/// gratuitous ARP seen on the link, or <see cref="HandoverTimeout"/>), then stops.
/// </summary>
internal sealed partial class StandaloneFailover : IHostedService, IAsyncDisposable
{
    /// <summary>How long a starting member waits for another one before it elects among itself alone.</summary>
    public static readonly TimeSpan JoinWait = TimeSpan.FromSeconds(2);

    /// <summary>The longest a leaving member keeps answering while it waits for its successors' announcements.</summary>
    public static readonly TimeSpan HandoverTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a leaving member keeps answering for an IPv6 address after leaving (its successor's advertisement is not watched).</summary>
    public static readonly TimeSpan IPv6Grace = TimeSpan.FromMilliseconds(300);

    private readonly StandaloneArguments _arguments;
    private readonly FailoverArguments _failover;
    private readonly IFrameTransport _transport;
    private readonly Layer2Engine _engine;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory _meterFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly FailoverAnnouncements _announcements;
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MembershipNode? _node;
    private bool _electing;
    private bool _stopping;

    public StandaloneFailover(StandaloneArguments arguments, IFrameTransport transport, Layer2Engine engine, TimeProvider time, ILoggerFactory loggerFactory, IMeterFactory meterFactory)
    {
        _arguments = arguments;
        _failover = arguments.Failover ?? throw new ArgumentException("Membership is off (no --join).", nameof(arguments));
        _transport = transport;
        _engine = engine;
        _time = time;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
        _logger = loggerFactory.CreateLogger<StandaloneFailover>();
        _announcements = new FailoverAnnouncements(engine, transport.InterfaceName, _failover.NodeName, [.. arguments.Addresses], _logger);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _engine.AddInterface(_transport);
        var (bind, advertise) = Addresses();
        var options = new MembershipNodeOptions
        {
            NodeName = _failover.NodeName,
            BindAddress = bind,
            BindPort = _failover.BindPort,
            AdvertiseAddress = advertise,
            SecretKey = _failover.SecretKey,
            TimeProvider = _time,
            LoggerFactory = _loggerFactory,
            MeterFactory = _meterFactory,
        };
        try
        {
            _node = await MembershipNode.StartAsync(options, _failover.Join, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new StartupException($"--bind {bind}:{_failover.BindPort}: {e.Message}", e);
        }

        _node.MemberChanged += (_, change) =>
        {
            Log.MemberChanged(_logger, change.Member.Name, change.Kind.ToString());
            if (_node.LiveMembers.Count > 1)
            {
                _joined.TrySetResult();
            }

            // A member that joins or comes back may have announced our addresses while it was cut off.
            Reconcile(change.Kind is MemberEventKind.Joined or MemberEventKind.Alive);
        };
        if (_node.LiveMembers.Count > 1)
        {
            _joined.TrySetResult();
        }

        // Elect once the cluster is known, so as not to announce, alone, addresses that a running
        // member holds; without an answer from any join address, elect alone.
        await Task.WhenAny(_joined.Task, Task.Delay(JoinWait, _time, cancellationToken)).ConfigureAwait(false);
        lock (_gate)
        {
            _electing = true;
        }

        Reconcile(memberReturned: false);
        Log.Started(_logger, _failover.NodeName, _node.AdvertiseEndPoint, _arguments.Addresses.Count, _transport.InterfaceName, _transport.HardwareAddress.ToString(), _node.LiveMembers.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var node = _node;
        if (node is null)
        {
            await StopAnsweringAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        IPAddr[] owned;
        IReadOnlyDictionary<IPAddr, string> successors;
        lock (_gate)
        {
            _stopping = true;
            owned = [.. _announcements.Announced];
            var others = node.LiveMembers.Where(m => !m.IsLocal).Select(static m => m.Name);
            successors = AddressElection.Winners(others, owned);
        }

        // Make before break: watch for the successors' announcements, leave (every live member
        // is told at once and the successors announce), keep answering until each has announced.
        SuccessorWatch? watch = null;
        if (successors.Count > 0 && owned.Any(static a => a.IsIPv4))
        {
            try
            {
                watch = SuccessorWatch.Start(_transport.InterfaceName, _transport.HardwareAddress, successors.Keys);
            }
            catch (FrameTransportException e)
            {
                Log.WatchFailed(_logger, e.Message);
            }
        }

        try
        {
            var started = _time.GetTimestamp();
            var leaving = node.LeaveAsync(TimeSpan.FromSeconds(1), cancellationToken);
            if (successors.Count > 0)
            {
                var waits = successors.Keys.Select(a => a.IsIPv4 && watch is not null
                    ? watch.Announced(a)
                    : Task.Delay(IPv6Grace, _time, cancellationToken));
                var all = Task.WhenAll(waits);
                await Task.WhenAny(all, Task.Delay(HandoverTimeout, _time, cancellationToken)).ConfigureAwait(false);
                var elapsed = _time.GetElapsedTime(started);
                if (all.IsCompletedSuccessfully)
                {
                    Log.HandedOver(_logger, successors.Count, string.Join(", ", successors.Values.Distinct()), elapsed.TotalMilliseconds);
                }
                else
                {
                    Log.HandoverTimedOut(_logger, string.Join(", ", successors.Where(s => !(s.Key.IsIPv4 && watch?.Announced(s.Key).IsCompleted == true)).Select(s => $"{s.Key} ({s.Value})")), elapsed.TotalMilliseconds);
                }
            }

            await leaving.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.ShutdownCut(_logger);
        }
        finally
        {
            watch?.Dispose();
        }

        await StopAnsweringAsync(cancellationToken).ConfigureAwait(false);
        await node.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is { } node)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Reconcile(bool memberReturned)
    {
        var node = _node;
        if (node is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!_electing || _stopping)
            {
                return;
            }

            _announcements.Apply([.. node.LiveMembers.Select(static m => m.Name)], memberReturned);
        }
    }

    private async Task StopAnsweringAsync(CancellationToken cancellationToken)
    {
        // As the announcer without membership: stop answering at once, bounded by the host's shutdown timeout.
        var disposing = Task.Factory.StartNew(_engine.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await disposing.WaitAsync(cancellationToken).ConfigureAwait(false);
            Log.Stopped(_logger, _transport.InterfaceName);
        }
        catch (OperationCanceledException) when (!disposing.IsCompleted)
        {
            Log.StopTimedOut(_logger, _transport.InterfaceName);
        }
    }

    /// <summary>The address to bind and the one to advertise: <c>--bind</c>, or the interface's first address.</summary>
    private (IPAddress Bind, IPAddress Advertise) Addresses()
    {
        var bind = _failover.BindAddress;
        if (bind is not null && !bind.Equals(IPAddress.Any) && !bind.Equals(IPAddress.IPv6Any))
        {
            return (bind, bind);
        }

        var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == _transport.InterfaceName);
        var unicast = nic?.GetIPProperties().UnicastAddresses.Select(static u => u.Address).ToList() ?? [];
        var own = unicast.FirstOrDefault(static a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? unicast.FirstOrDefault(static a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal)
            ?? throw new StartupException($"--interface {_transport.InterfaceName} has no address to reach the other appliances at; give --bind ADDR[:PORT]");
        return (bind ?? own, own);
    }

    private static partial class Log
    {
        [LoggerMessage(5010, LogLevel.Information, "Member {Name} at {EndPoint}: {Count} address(es) shared on {Interface} as {HardwareAddress}, {Live} live member(s)")]
        public static partial void Started(ILogger logger, string name, IPEndPoint endPoint, int count, string @interface, string hardwareAddress, int live);

        [LoggerMessage(5013, LogLevel.Information, "Member {Member}: {Kind}")]
        public static partial void MemberChanged(ILogger logger, string member, string kind);

        [LoggerMessage(5014, LogLevel.Information, "Handed {Count} address(es) over to {Successors} in {Milliseconds:0} ms")]
        public static partial void HandedOver(ILogger logger, int count, string successors, double milliseconds);

        [LoggerMessage(5015, LogLevel.Warning, "No announcement seen for {Pending} after {Milliseconds:0} ms; stopping anyway")]
        public static partial void HandoverTimedOut(ILogger logger, string pending, double milliseconds);

        [LoggerMessage(5016, LogLevel.Warning, "Cannot watch for the successors' announcements ({Error}); keeping on answering for a grace time instead")]
        public static partial void WatchFailed(ILogger logger, string error);

        [LoggerMessage(5017, LogLevel.Warning, "The shutdown timeout cut the hand-over short")]
        public static partial void ShutdownCut(ILogger logger);

        [LoggerMessage(5018, LogLevel.Information, "Stopped answering on {Interface}")]
        public static partial void Stopped(ILogger logger, string @interface);

        [LoggerMessage(5019, LogLevel.Warning, "The engine on {Interface} did not stop within the shutdown timeout; exiting without waiting for it")]
        public static partial void StopTimedOut(ILogger logger, string @interface);
    }
}
