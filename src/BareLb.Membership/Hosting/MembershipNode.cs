using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Membership.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Membership.Hosting;

/// <summary>
/// A member of a hashicorp/memberlist cluster (MetalLB's speakers on port 7946, or BareLb's own):
/// binds UDP and TCP, joins the cluster, probes and gossips, and tells who is alive. Start one
/// with <see cref="StartAsync"/>, read <see cref="LiveMembers"/> and watch <see cref="MemberChanged"/>
/// or <see cref="WatchAsync"/>; on shutdown call <see cref="LeaveAsync"/> so that the others see a
/// departure at once instead of a failure, then dispose. Thread-safe.
/// </summary>
public sealed partial class MembershipNode : IAsyncDisposable
{
    private readonly MemberlistNode _node;
    private readonly ILogger _logger;
    private readonly Lock _subscribersGate = new();
    private readonly List<Channel<MemberEvent>> _subscribers = [];
    private readonly Task _dispatch;
    private int _disposed;

    private MembershipNode(MemberlistNode node, string name, IPEndPoint local, IPEndPoint advertise, ILogger logger)
    {
        _node = node;
        Name = name;
        LocalEndPoint = local;
        AdvertiseEndPoint = advertise;
        _logger = logger;
        _dispatch = Task.Run(DispatchAsync);
    }

    /// <summary>
    /// Raised after each change of a member's state, in order, once the change is visible in
    /// <see cref="LiveMembers"/>. Handlers run one at a time on a background thread; an exception
    /// thrown by one is logged and ignored.
    /// </summary>
    public event EventHandler<MemberEvent>? MemberChanged;

    /// <summary>The name of the meter the node's metrics are published on.</summary>
    public static string MeterName => Metrics.MembershipMetrics.MeterName;

    /// <summary>This member's name.</summary>
    public string Name { get; }

    /// <summary>The address and port bound (the port picked when <see cref="MembershipNodeOptions.BindPort"/> was 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The address and port other members reach this one at.</summary>
    public IPEndPoint AdvertiseEndPoint { get; }

    /// <summary>The live members (alive or suspect), this one included while it has not left, sorted by name: memberlist's <c>Members()</c>, the input of MetalLB's election. An immutable snapshot.</summary>
    public IReadOnlyList<MemberInfo> LiveMembers => _node.LiveMembers;

    /// <summary>Every member known, dead and left ones included until they are forgotten, sorted by name. An immutable snapshot.</summary>
    public IReadOnlyList<MemberInfo> Members => _node.Members;

    /// <summary>
    /// The local health score of Lifeguard (memberlist's awareness): 0 when healthy; each missed
    /// nack or unanswered probe without nacking peers raises it, each successful probe lowers it,
    /// and the probe interval and timeouts are multiplied by <c>score + 1</c>.
    /// </summary>
    public int HealthScore => _node.HealthScore;

    /// <summary>Whether <see cref="LeaveAsync"/> was called.</summary>
    public bool HasLeft => _node.HasLeft;

    /// <summary>
    /// How fast this member probes the others: <see cref="DetectionPace.Fast"/> (the default) every
    /// <see cref="MembershipOptions.ProbeInterval"/>, <see cref="DetectionPace.Relaxed"/> every
    /// <see cref="MembershipOptions.RelaxedProbeInterval"/>. A host relaxes while nothing depends on detecting a
    /// failure fast (a speaker with no address in the cluster), so that an idle member costs next to nothing, and goes
    /// fast again the moment something does: the next probe is then sent at once.
    /// </summary>
    public DetectionPace Pace
    {
        get => _node.Pace;
        set
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _node.SetPace(value);
        }
    }

    /// <summary>
    /// Binds the UDP socket and TCP listener, starts probing and gossiping, and joins the cluster
    /// through <paramref name="join"/> (any members' addresses; none starts a cluster of one).
    /// Unanswered join addresses are retried every <see cref="Options.MembershipOptions.RejoinInterval"/>
    /// while they are not live members.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names each one and the reason.</exception>
    /// <exception cref="SocketException">The address or port cannot be bound.</exception>
    public static Task<MembershipNode> StartAsync(MembershipNodeOptions options, IEnumerable<IPEndPoint>? join = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        cancellationToken.ThrowIfCancellationRequested();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var transport = new MemberlistTransport(
            new MemberlistTransportOptions { BindAddress = options.BindAddress, BindPort = options.BindPort, StreamTimeout = options.StreamTimeout },
            options.TimeProvider,
            loggerFactory.CreateLogger<MemberlistTransport>(),
            options.SocketFactory ?? (static (family, type, protocol) => new Socket(family, type, protocol)));
        try
        {
            transport.Start();
        }
        catch
        {
            transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        var local = transport.LocalEndPoint;
        var advertise = new IPEndPoint(options.AdvertiseAddress ?? options.BindAddress, options.AdvertisePort ?? local.Port);
        var node = new MemberlistNode(
            options.Timings,
            options.NodeName,
            options.WireSettings(),
            transport,
            advertise,
            options.TimeProvider,
            loggerFactory.CreateLogger("BareLb.Membership"),
            options.MeterFactory);
        var member = new MembershipNode(node, options.NodeName, local, advertise, loggerFactory.CreateLogger<MembershipNode>());
        node.Start(join);
        Log.Started(member._logger, options.NodeName, local, advertise);
        return Task.FromResult(member);
    }

    /// <summary>The node this wraps (for tests).</summary>
    internal MemberlistNode Node => _node;

    /// <summary>Joins the cluster through more addresses (retried, as those given to <see cref="StartAsync"/>).</summary>
    public void Join(IEnumerable<IPEndPoint> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _node.Join(addresses);
    }

    /// <summary>
    /// Leaves the cluster gracefully: tells every live member that this one left, and returns once
    /// the news has been gossiped its last time or after <paramref name="timeout"/>. The node keeps
    /// answering probes until it is disposed, but no longer counts itself in <see cref="LiveMembers"/>.
    /// </summary>
    public Task LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _node.LeaveAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// The member changes from now on, in order, until <paramref name="cancellationToken"/> is
    /// cancelled or the node is disposed. Each call is its own subscription; changes wait for
    /// their reader.
    /// </summary>
    public async IAsyncEnumerable<MemberEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<MemberEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        lock (_subscribersGate)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                yield break;
            }

            _subscribers.Add(channel);
        }

        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_subscribersGate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    /// <summary>Stops probing and answering and closes the sockets (without leaving: call <see cref="LeaveAsync"/> first for a graceful departure).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _node.DisposeAsync().ConfigureAwait(false);
        await _dispatch.ConfigureAwait(false);
        lock (_subscribersGate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }

    private async Task DispatchAsync()
    {
        await foreach (var change in _node.Events.ReadAllAsync().ConfigureAwait(false))
        {
            lock (_subscribersGate)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.Writer.TryWrite(change);
                }
            }

            try
            {
                MemberChanged?.Invoke(this, change);
            }
#pragma warning disable CA1031 // A subscriber's bug must not stop the notifications of the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.HandlerFailed(_logger, change.Kind, change.Member.Name, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Membership node {Name} listening on {Local}, reachable at {Advertise}")]
        public static partial void Started(ILogger logger, string name, IPEndPoint local, IPEndPoint advertise);

        [LoggerMessage(41, LogLevel.Error, "A MemberChanged handler failed on {Kind} of {Member}")]
        public static partial void HandlerFailed(ILogger logger, MemberEventKind kind, string member, Exception exception);
    }
}
