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
/// (the Pods are listed every <see cref="PeerRefresh"/> while one is not a live member, else every
/// <see cref="SettledPeerRefresh"/>). Without a bind address there is no membership, as in
/// MetalLB: <see cref="LiveSpeakers"/> is null and every node counts as live.
/// </summary>
internal sealed partial class SpeakerMembership : ISpeakerMembership, IHostedService, IAsyncDisposable
{
    /// <summary>How often the speaker Pods are listed to find new peers while some listed Pod is not a live member yet (or has no address, or the list failed).</summary>
    public static readonly TimeSpan PeerRefresh = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often they are listed once every listed Pod is a live member. A new speaker joins the others itself, so
    /// this only backs up the membership's own rejoining; MetalLB lists them every 5 minutes and rejoins every minute.
    /// A member lost meanwhile brings the next list forward to at once.
    /// </summary>
    public static readonly TimeSpan SettledPeerRefresh = TimeSpan.FromMinutes(1);

    private readonly SpeakerOptions _options;
    private readonly byte[]? _key;
    private readonly ApiConnection _client;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory _meterFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<string> _joinedAddresses = new(StringComparer.Ordinal);
    private MembershipNode? _node;
    private Task _refresh = Task.CompletedTask;
    private IReadOnlySet<string>? _live;
    private volatile bool _joined;
    private readonly Lock _paceGate = new();
    private TaskCompletionSource _memberLost = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
    public bool IsJoined => _options.MemberlistBindAddress is null || _joined;

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

        ApplyPace();
        _node.MemberChanged += (_, change) =>
        {
            Log.MemberChanged(_logger, change.Member.Name, change.Kind.ToString());
            if (change.Kind is MemberEventKind.Dead or MemberEventKind.Left)
            {
                // Its Pod may come back at another address: list the Pods again at once, then every second until it is back.
                Volatile.Read(ref _memberLost).TrySetResult();
            }

            Publish();
        };
        Publish();
        _refresh = Task.Run(() => RefreshPeersAsync(_stop.Token), CancellationToken.None);
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

    private void ApplyPace()
    {
        lock (_paceGate)
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

    private async Task RefreshPeersAsync(CancellationToken cancellationToken)
    {
        var failing = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var settled = false;
            try
            {
                var pods = await KubeApi.GetAsync<V1PodList>(_client, ApiPath.Core("pods", _options.Namespace) + ApiPath.Query(("labelSelector", _options.MemberlistLabels)), cancellationToken).ConfigureAwait(false);
                var fresh = new List<IPEndPoint>();
                var addresses = new List<IPAddress>();
                var withoutAddress = 0;
                foreach (var pod in pods.Items)
                {
                    if (pod.Metadata?.DeletionTimestamp is not null)
                    {
                        continue;
                    }

                    if (pod.Status?.PodIP is not { Length: > 0 } ip || !IPAddress.TryParse(ip, out var address))
                    {
                        withoutAddress++;
                        continue;
                    }

                    addresses.Add(address);
                    if (_joinedAddresses.Add(ip))
                    {
                        fresh.Add(new IPEndPoint(address, _options.MemberlistBindPort));
                    }
                }

                if (fresh.Count > 0)
                {
                    Log.Joining(_logger, string.Join(", ", fresh));
                    _node!.Join(fresh);
                }

                // Forget Pods that are gone, so that a Pod coming back at the same address is joined again.
                var current = pods.Items.Select(static p => p.Status?.PodIP).OfType<string>().ToHashSet(StringComparer.Ordinal);
                _joinedAddresses.IntersectWith(current);
                if (failing)
                {
                    Log.PodsListedAgain(_logger);
                    failing = false;
                }

                _joined = true;
                settled = fresh.Count == 0 && withoutAddress == 0 && AllLive(addresses);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    Log.CannotListPods(_logger, _options.Namespace, _options.MemberlistLabels, e.Message);
                    failing = true;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (!await WaitForNextListAsync(settled ? SettledPeerRefresh : PeerRefresh, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Whether every address is a live member's: nobody listed is still to be joined.</summary>
    private bool AllLive(List<IPAddress> addresses)
    {
        if (_node is not { } node)
        {
            return false;
        }

        var live = node.LiveMembers.Select(static m => m.Address.Address).ToHashSet();
        return addresses.All(live.Contains);
    }

    /// <summary>Waits <paramref name="delay"/>, or less when a member is lost meanwhile; false when stopping.</summary>
    private async Task<bool> WaitForNextListAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var lost = Volatile.Read(ref _memberLost);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Task.WhenAny(Task.Delay(delay, _time, wait.Token), lost.Task).ConfigureAwait(false);
        }
        finally
        {
            await wait.CancelAsync().ConfigureAwait(false);
        }

        if (lost.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _memberLost, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), lost);
        }

        return !cancellationToken.IsCancellationRequested;
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

        [LoggerMessage(5142, LogLevel.Information, "Joining speakers at {Addresses}")]
        public static partial void Joining(ILogger logger, string addresses);

        [LoggerMessage(5143, LogLevel.Warning, "Cannot list the speaker Pods in {Namespace} with labels {Labels}: {Error}; retrying")]
        public static partial void CannotListPods(ILogger logger, string @namespace, string labels, string error);

        [LoggerMessage(5144, LogLevel.Information, "Listing the speaker Pods works again")]
        public static partial void PodsListedAgain(ILogger logger);

        [LoggerMessage(5145, LogLevel.Information, "Memberlist timings from {Path}")]
        public static partial void TuningFile(ILogger logger, string path);
    }
}
