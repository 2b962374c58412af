using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using BareLb.Kube.Speaker;
using BareLb.Membership.Hosting;
using BareLb.Membership.Options;
using BareLb.Membership.Protocol;
using BareLb.Speaker.Commands;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BareLb.Kube.Client;
using k8s.Models;

namespace BareLb.Speaker.Kubernetes.Membership;

/// <summary>
/// The speakers' membership, as MetalLB's <c>internal/speakerlist</c> runs it: a memberlist member named after the
/// node, bound to <c>--ml-bindaddr:--ml-bindport</c>, keyed by the memberlist Secret, that joins the speaker Pods of
/// <c>--namespace</c> matching <c>--ml-labels</c> at their <c>status.podIP</c>, and joins again as Pods come and go
/// (see <see cref="SpeakerPeerDiscovery"/>). Without a bind address there is no membership, as in
/// MetalLB: <see cref="LiveSpeakers"/> is null and every node counts as live.
/// </summary>
internal sealed partial class SpeakerMembership : ISpeakerMembership, IHostedService, IAsyncDisposable
{
    private readonly SpeakerOptions _options;
    private readonly byte[]? _key;
    private readonly ApiConnection _client;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory _meterFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private MembershipNode? _node;
    private Task _refresh = Task.CompletedTask;
    private IReadOnlySet<string>? _live;
    private SpeakerPeerDiscovery? _discovery;
    private readonly Lock _paceGate = new();
    private bool _atStake;
    private int _disposed;

    public SpeakerMembership(SpeakerOptions options, byte[]? key, ApiConnection client, TimeProvider time, ILoggerFactory loggerFactory, IMeterFactory meterFactory)
    {
        _options = options;
        _key = key;
        _client = client;
        _time = time;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
        _logger = loggerFactory.CreateLogger<SpeakerMembership>();
        _live = options.MemberlistBindAddress is null ? null : new HashSet<string>(StringComparer.Ordinal);
    }

    public event EventHandler? Changed;

    public IReadOnlySet<string>? LiveSpeakers => Volatile.Read(ref _live);

    /// <summary>Whether the membership is off (no <c>--ml-bindaddr</c>) or has started and looked for its peers once.</summary>
    public bool IsJoined => _options.MemberlistBindAddress is null || _discovery is { HasListed: true };

    /// <summary>The membership node, or null when the membership is off.</summary>
    public MembershipNode? Node => _node;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.MemberlistBindAddress is not { } bindText)
        {
            Log.Off(_logger);
            return;
        }

        var bind = IPAddress.Parse(bindText);
        var options = new MembershipNodeOptions
        {
            NodeName = _options.NodeName!,
            BindAddress = bind,
            BindPort = _options.MemberlistBindPort,
            AdvertiseAddress = bind,
            SecretKey = _key,
            Timings = Timings(),
            TimeProvider = _time,
            LoggerFactory = _loggerFactory,
            MeterFactory = _meterFactory,
        };
        try
        {
            _node = await MembershipNode.StartAsync(options, null, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new StartupException($"--ml-bindaddr {bind} --ml-bindport {_options.MemberlistBindPort}: cannot bind the memberlist port: {e.Message}", e);
        }

        lock (_paceGate)
        {
            ApplyPace();
        }

        _node.MemberChanged += (_, change) =>
        {
            Log.MemberChanged(_logger, change.Member.Name, change.Kind.ToString());
            if (change.Kind is MemberEventKind.Dead or MemberEventKind.Left)
            {
                _discovery?.MemberLost();
            }

            Publish();
        };
        Publish();
        var node = _node;
        _discovery = new SpeakerPeerDiscovery(
            _client,
            _options.Namespace,
            _options.MemberlistLabels,
            _options.MemberlistBindPort,
            () => node.LiveMembers.Select(static m => m.Address.Address).ToHashSet(),
            node.Join,
            _time,
            _loggerFactory.CreateLogger<SpeakerPeerDiscovery>());
        _refresh = Task.Run(() => _discovery.RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Probes fast while any Service has an address, and at the relaxed pace (<see cref="MembershipOptions.RelaxedProbeInterval"/>)
    /// while none has: with nothing to move, nothing needs a failure detected in a fraction of a second.
    /// </summary>
    public void SetAddressesAtStake(bool atStake)
    {
        lock (_paceGate)
        {
            if (_atStake == atStake)
            {
                return;
            }

            _atStake = atStake;
            ApplyPace();
        }
    }

    /// <summary>Sets the node's pace from <see cref="_atStake"/>. Call it holding <see cref="_paceGate"/>.</summary>
    private void ApplyPace()
    {
        try
        {
            if (_node is { } node)
            {
                node.Pace = _atStake ? DetectionPace.Fast : DetectionPace.Relaxed;
            }
        }
        catch (ObjectDisposedException)
        {
            // Stopping: the membership is gone, and with it the probing.
        }
    }

    /// <summary>Leaves the membership (planned hand-over): every live member learns at once that this node is gone.</summary>
    public Task LeaveAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _node is { } node && !node.HasLeft ? node.LeaveAsync(timeout, cancellationToken) : Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_node is { } node)
        {
            if (!node.HasLeft)
            {
                try
                {
                    await node.LeaveAsync(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            await node.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes it once per registration that hands it out.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_node is { } node)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Publish()
    {
        if (_node is not { } node)
        {
            return;
        }

        var live = node.HasLeft
            ? new HashSet<string>(StringComparer.Ordinal)
            : node.LiveMembers.Select(static m => m.Name).ToHashSet(StringComparer.Ordinal);
        var previous = Interlocked.Exchange(ref _live, live);
        if (previous is null || !previous.SetEquals(live))
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }

    private MembershipOptions Timings()
    {
        var path = MetalLbMemberlistConfig.DefaultPath;
        if (!File.Exists(path))
        {
            return new MembershipOptions();
        }

        if (MetalLbMemberlistConfig.TryParse(File.ReadAllText(path), path, out var config, out var errors))
        {
            Log.TuningFile(_logger, path);
            return config!.ToOptions();
        }

        throw new StartupException($"{path}: {string.Join("; ", errors)}");
    }

    private static partial class Log
    {
        [LoggerMessage(5140, LogLevel.Information, "No --ml-bindaddr: membership off, every node counts as running a live speaker (as MetalLB without memberlist)")]
        public static partial void Off(ILogger logger);

        [LoggerMessage(5141, LogLevel.Information, "Speaker {Member}: {Kind}")]
        public static partial void MemberChanged(ILogger logger, string member, string kind);

        [LoggerMessage(5145, LogLevel.Information, "Memberlist timings from {Path}")]
        public static partial void TuningFile(ILogger logger, string path);
    }
}
