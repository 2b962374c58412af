using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Kube.Client;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Informers;
using BareLb.Kube.Services;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Speaker;

/// <summary>
/// The Kubernetes side of the Layer 2 speaker: informers over Services, EndpointSlices, Nodes and MetalLB's
/// configuration, and the membership's live set, feed <see cref="Layer2Decision"/> once per Service; the Services
/// this node wins become the desired set handed to the <see cref="IAnnouncementSink"/> (one entry per address,
/// counted over the Services that share it). It writes the ServiceL2Status objects and the <c>nodeAssigned</c>
/// events MetalLB writes, publishes <c>metallb_speaker_announced</c>, warns about kube-proxy in IPVS mode without
/// strictARP, and breaks ties through the API server when the membership is split (<see cref="SplitBrainEvidence"/>).
/// Deciding runs on one loop, writing to the API server on another, so a slow API server never delays an announcement.
/// </summary>
public sealed partial class Layer2SpeakerController : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CompetitorLinger = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewSlack = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ForbiddenRecheck = TimeSpan.FromMinutes(5);
    private static readonly IReadOnlySet<string> NoKeys = new HashSet<string>(StringComparer.Ordinal);
    private static readonly object KubeProxyAbsent = new();

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ISpeakerMembership _membership;
    private readonly IAnnouncementSink _sink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SpeakerMetrics _metrics;
    private readonly SpeakerEvents _events;
    private readonly SplitBrainEvidence _evidence;
    private readonly ServiceL2StatusReconciler _statuses;
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1EndpointSlice> _slices;
    private readonly Informer<V1Node> _nodes;
    private readonly ConfigurationInformers _configuration;
    private readonly Informer<ServiceL2Status> _statusCache;
    private readonly Informer<V1ConfigMap>? _kubeProxy;
    private readonly Wakeup _decide = new();
    private readonly Wakeup _write = new();
    private readonly Wakeup _handOver = new();
    private readonly ConcurrentQueue<(V1Service Service, IPAddr? FailedAddress)> _pendingEvents = new();
    private readonly ConcurrentQueue<string> _forgotten = new();
    private readonly ConcurrentQueue<(string Service, string Node)> _competitors = new();
    private readonly ITimer _decideTimer;
    private readonly Lock _lifecycle = new();
    private CancellationTokenSource? _stop;
    private Task _running = Task.CompletedTask;
    private bool _disposed;

    // Owned by the deciding loop.
    private MetalLbConfiguration? _configurationInForce;
    private string? _fingerprint;
    private IReadOnlyCollection<DesiredAnnouncement> _applied = [];
    private volatile bool _appliedOnce;
    private int _countedThroughApi;
    private IReadOnlySet<string>? _decidedLive;

    // Read by the writing loop and informer callbacks.
    private volatile SpeakerDecision _decision = SpeakerDecision.Empty;
    private SpeakerDecision? _reconciledDecision;
    private long _statusChanges;
    private long _reconciledStatusChanges;
    private volatile IReadOnlySet<string> _announced = NoKeys;
    private volatile bool _frozen;
    private volatile bool _renewNow;

    // Owned by the writing loop.
    private long _lastRenewal;
    private string? _strictArpReported;
    private object? _kubeProxyChecked;

    /// <summary>Creates the controller; nothing runs before <see cref="StartAsync"/>.</summary>
    /// <param name="client">The API server.</param>
    /// <param name="membership">The live speakers.</param>
    /// <param name="sink">Where the desired announcements go.</param>
    /// <param name="options">The settings, checked here.</param>
    /// <param name="loggerFactory">Loggers; none by default.</param>
    /// <param name="timeProvider">Every timer and timestamp; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="meterFactory">Where the metrics are published; a meter of its own by default.</param>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public Layer2SpeakerController(
        ApiConnection client,
        ISpeakerMembership membership,
        IAnnouncementSink sink,
        Layer2SpeakerOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException("Invalid speaker options: " + string.Join("; ", problems), nameof(options));
        }

        _membership = membership ?? throw new ArgumentNullException(nameof(membership));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        Options = options;
        _logger = loggerFactory?.CreateLogger<Layer2SpeakerController>() ?? NullLogger<Layer2SpeakerController>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = new SpeakerMetrics(options.NodeName, meterFactory);
        _events = new SpeakerEvents(client, options.NodeName, _time);
        _evidence = new SplitBrainEvidence(options.NodeName, options.StatusRenewInterval * 3, CompetitorLinger, _time);
        _statuses = new ServiceL2StatusReconciler(client, options.NodeName, options.Namespace, options.PodName, _logger, _time);
        _decideTimer = _time.CreateTimer(_ => _decide.Set(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        ILogger<Informer<T>>? InformerLogger<T>()
            where T : class, IKubernetesObject<V1ObjectMeta> => loggerFactory?.CreateLogger<Informer<T>>();
        _services = new Informer<V1Service>(
            ListWatch.Of<V1Service, V1ServiceList>(client, ApiPath.Core("services")),
            timeProvider: _time,
            logger: InformerLogger<V1Service>());
        _slices = new Informer<V1EndpointSlice>(
            ListWatch.Of<V1EndpointSlice, V1EndpointSliceList>(client, ApiPath.Group("discovery.k8s.io/v1", "endpointslices")),
            timeProvider: _time,
            logger: InformerLogger<V1EndpointSlice>());
        _nodes = new Informer<V1Node>(
            ListWatch.Of<V1Node, V1NodeList>(client, ApiPath.Core("nodes")),
            timeProvider: _time,
            logger: InformerLogger<V1Node>());
        _configuration = ConfigurationInformers.Create(
            client,
            new ConfigurationSourceOptions { Namespace = options.Namespace, ConfigMapName = options.ConfigMapName, AbsentResourceRecheck = options.AbsentResourceRecheck },
            loggerFactory,
            _time);
        // ServiceL2Status and kube-proxy's ConfigMap are optional: MetalLB v0.13's speaker role grants neither, so a
        // refusal reads as empty (logged once, listed again from time to time) and the speaker announces without them.
        IListWatch<T> Tolerant<T>(IListWatch<T> inner, string what, TimeSpan recheck) =>
            new ForbiddenTolerantListWatch<T>(inner, what, recheck, _time, _logger);
        _statusCache = new Informer<ServiceL2Status>(
            Tolerant(
                ListWatch.ForCustomResource<ServiceL2Status>(client, MetalLbApi.Group, MetalLbApi.VersionOf(ServiceL2Status.Plural), ServiceL2Status.Plural, options.Namespace, options.AbsentResourceRecheck, _time),
                $"servicel2statuses in {options.Namespace}",
                ForbiddenRecheck),
            timeProvider: _time,
            logger: InformerLogger<ServiceL2Status>());
        if (options.CheckKubeProxy)
        {
            // Read access to kube-system/kube-proxy is beyond MetalLB's speaker role: when refused, the check is skipped
            // (logged once) and tried again every few minutes.
            _kubeProxy = new Informer<V1ConfigMap>(
                Tolerant(
                    ListWatch.Of<V1ConfigMap, V1ConfigMapList>(client, ApiPath.Core("configmaps", KubeProxyStrictArp.Namespace), "metadata.name=" + KubeProxyStrictArp.Name),
                    $"configmap {KubeProxyStrictArp.Namespace}/{KubeProxyStrictArp.Name}",
                    ForbiddenRecheck),
                timeProvider: _time,
                logger: InformerLogger<V1ConfigMap>());
            _kubeProxy.Subscribe(_ => _write.Set());
        }

        _services.Subscribe(_ => Changed());
        _slices.Subscribe(_ => Changed());
        _nodes.Subscribe(_ => Changed());
        _configuration.Subscribe(Changed);
        _statusCache.Subscribe(OnStatusChange);
        _membership.Changed += OnMembershipChanged;
    }

    /// <summary>The settings.</summary>
    public Layer2SpeakerOptions Options { get; }

    /// <summary>Whether the caches have synced and the first desired set has been applied (for <c>/readyz</c>).</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>The desired set last handed to the sink.</summary>
    public IReadOnlyCollection<DesiredAnnouncement> Desired { get; private set; } = [];

    /// <summary>The last verdict per Service key (<c>namespace/name</c>), for diagnostics: why each Service is or is not announced here.</summary>
    public IReadOnlyDictionary<string, Layer2Verdict> Verdicts => _decision.Verdicts;

    /// <summary>The nodes counted as live speakers through the API server only (split brain), at the last decision.</summary>
    public int CountedThroughApi => Volatile.Read(ref _countedThroughApi);

    /// <summary>Completes once <see cref="IsReady"/>.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Starts the informers and the loops; returns at once (see <see cref="WaitUntilReadyAsync"/>).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_stop is not null)
            {
                return Task.CompletedTask;
            }

            _stop = new CancellationTokenSource();
            _services.Start();
            _slices.Start();
            _nodes.Start();
            _configuration.Start();
            _statusCache.Start();
            _kubeProxy?.Start();
            var stop = _stop.Token;
            _running = Task.WhenAll(Task.Run(() => DecideLoopAsync(stop), CancellationToken.None), Task.Run(() => WriteLoopAsync(stop), CancellationToken.None));
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Planned hand-over (SIGTERM): from now on the sink is no longer called and no status is written or renewed, so
    /// this node keeps answering for what it announces; completes once every Service it announced has a
    /// ServiceL2Status written since by another node (its successor announces), or no longer needs announcing. Bound
    /// it with <paramref name="cancellationToken"/> (it then throws <see cref="OperationCanceledException"/>); then
    /// withdraw and call <see cref="StopAsync"/>.
    /// </summary>
    public async Task HandOverAsync(CancellationToken cancellationToken)
    {
        _frozen = true;
        var since = _time.GetTimestamp();
        var keys = _announced;
        SpeakerLog.HandingOver(_logger, keys.Count);
        while (keys.Any(k => !TakenOver(k, since)))
        {
            await _handOver.WaitAsync(Options.StatusRenewInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the informers and the loops. The sink is not called: the host withdraws what it announces.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource? stop;
        lock (_lifecycle)
        {
            stop = _stop;
        }

        if (stop is not null && !stop.IsCancellationRequested)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The loops ended by cancellation.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        lock (_lifecycle)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _membership.Changed -= OnMembershipChanged;
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        await _slices.DisposeAsync().ConfigureAwait(false);
        await _nodes.DisposeAsync().ConfigureAwait(false);
        await _configuration.DisposeAsync().ConfigureAwait(false);
        await _statusCache.DisposeAsync().ConfigureAwait(false);
        if (_kubeProxy is not null)
        {
            await _kubeProxy.DisposeAsync().ConfigureAwait(false);
        }

        await _decideTimer.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
        _stop?.Dispose();
    }

    private void OnMembershipChanged(object? sender, EventArgs e) => _decide.Set();

    private void Changed()
    {
        _decide.Set();
        _handOver.Set();
    }

    private void OnStatusChange(InformerChange<ServiceL2Status> change)
    {
        Interlocked.Increment(ref _statusChanges);
        var renewed = change.Item.Metadata.Annotations is { } annotations && annotations.TryGetValue(ServiceL2StatusLabels.RenewedAnnotation, out var stamp) ? stamp : null;
        if (!_statusCache.HasSynced)
        {
            _evidence.ObserveExisting(change.Key, renewed); // the first list is the past, not evidence
            return;
        }

        var node = ServiceL2StatusReconciler.NodeOf(change.Item);
        var mine = string.Equals(node, Options.NodeName, StringComparison.Ordinal);
        if (change.Type == InformerChangeType.Deleted)
        {
            _evidence.ObserveStatusDeleted(change.Key);
            if (mine)
            {
                _forgotten.Enqueue(change.Item.Metadata.Name);
            }
        }
        else
        {
            // A claim is a new status or a renewal; another write (a status patch that follows its create, late) is not.
            var renewal = _evidence.ObserveStatusChange(change.Key, node, renewed);
            if (!mine && (renewal || change.Type == InformerChangeType.Added)
                && ServiceL2StatusReconciler.ServiceKeyOf(change.Item) is { } service && _announced.Contains(service))
            {
                _evidence.ObserveCompetitor();
                _competitors.Enqueue((service, node ?? "an unknown node"));
                _renewNow = true;
            }
        }

        _write.Set();
        _decide.Set();
        _handOver.Set();
    }

    private async Task DecideLoopAsync(CancellationToken stop)
    {
        try
        {
            await _services.WaitForSyncAsync(stop).ConfigureAwait(false);
            await _slices.WaitForSyncAsync(stop).ConfigureAwait(false);
            await _nodes.WaitForSyncAsync(stop).ConfigureAwait(false);
            await _configuration.WaitForSyncAsync(stop).ConfigureAwait(false);
            await _statusCache.WaitForSyncAsync(stop).ConfigureAwait(false);
            while (true)
            {
                try
                {
                    Decide();
                }
                catch (Exception e)
                {
                    SpeakerLog.DecideFailed(_logger, RetryDelay, e);
                    _decideTimer.Change(RetryDelay, Timeout.InfiniteTimeSpan);
                }

                await _decide.WaitAsync(null, _time, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Decide()
    {
        // Claims taken before the evidence is read: a claim that arrives while this decision is made is a renewal this
        // decision may not count yet; the next decision, which counts it, judges it.
        var claims = new List<(string Service, string Node)>();
        while (_competitors.TryDequeue(out var claim))
        {
            claims.Add(claim);
        }

        var live = _membership.LiveSpeakers;
        var returned = Returned(_decidedLive, live);
        _decidedLive = live;
        _evidence.ObserveMembership(live);
        ReadConfiguration();
        var nodes = new Dictionary<string, NodeInfo>(StringComparer.Ordinal);
        foreach (var node in _nodes.Objects)
        {
            var info = Layer2Inputs.Node(node);
            nodes[info.Name] = info;
        }

        var candidates = live;
        if (live is not null && Options.SplitBrainTieBreak)
        {
            var alive = _evidence.AliveByApi(nodes.Keys, live);
            if (alive.Count > 0)
            {
                candidates = new HashSet<string>(live.Concat(alive), StringComparer.Ordinal);
                if (alive.Count != _countedThroughApi)
                {
                    SpeakerLog.CountingThroughApi(_logger, alive);
                }
            }
            else if (_countedThroughApi > 0)
            {
                SpeakerLog.NoLongerCountingThroughApi(_logger);
            }

            Volatile.Write(ref _countedThroughApi, alive.Count);
            _metrics.SetSplitBrainNodes(alive.Count);
            if (_evidence.NextExpiry() is { } expiry)
            {
                _decideTimer.Change(expiry + TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
            }
        }

        var view = new Layer2View
        {
            MyNode = Options.NodeName,
            Nodes = nodes,
            LiveSpeakers = candidates,
            IgnoreExcludeLoadBalancers = Options.IgnoreExcludeLoadBalancers,
            Pools = _configurationInForce is null ? null : Layer2Inputs.Pools(_configurationInForce, nodes),
        };
        var slices = _slices.Objects
            .Select(s => (Key: Layer2Inputs.ServiceKeyOf(s), Slice: s))
            .Where(s => s.Key is not null)
            .ToLookup(s => s.Key!, s => s.Slice, StringComparer.Ordinal);
        var services = _services.Objects
            .Where(s => ServiceRequestReader.IsHandled(s, Options.LoadBalancerClass))
            .ToDictionary(ObjectKeys.Of, StringComparer.Ordinal);
        var decision = SpeakerDecision.Make(view, services.Select(s => Layer2Inputs.Service(s.Key, s.Value, slices[s.Key])), NodeInterfaces);
        var previous = _decision;
        Report(previous, decision, services);

        // The same on every speaker, since each sees the same Services: all probe fast while any address could move.
        _membership.SetAddressesAtStake(decision.Verdicts.Values.Any(static v => v.Addresses.Count > 0));
        _announced = decision.Announced.ToHashSet(StringComparer.Ordinal);
        if (!_frozen)
        {
            Apply(decision);
            if (returned.Count > 0 && decision.Desired.Count > 0)
            {
                Reannounce(returned, decision.Desired.Count);
            }

            // Another node claimed a Service this node still announces (a split membership: it took the address over
            // before the API server showed it that this node lives). Neighbours that followed its claim come back now.
            var competitors = new SortedSet<string>(claims.Where(c => _announced.Contains(c.Service)).Select(c => c.Node), StringComparer.Ordinal);

            if (competitors.Count > 0)
            {
                ReannounceOverCompetitors([.. competitors], decision.Desired.Count);
            }
        }

        // Published after the announcer has it: the write loop writes statuses from it, and a status must never say
        // this node answers before it does (a node handing over stops once it sees a successor's status).
        _decision = decision;

        _write.Set();
        _handOver.Set();
    }

    // The speakers live now that were not when this node last decided (other than itself): each may have been cut
    // off and announced addresses itself.
    private IReadOnlyList<string> Returned(IReadOnlySet<string>? before, IReadOnlySet<string>? now) =>
        before is null || now is null ? [] : [.. now.Where(n => !before.Contains(n) && !string.Equals(n, Options.NodeName, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private void Reannounce(IReadOnlyList<string> returned, int count)
    {
        try
        {
            _sink.Reannounce();
            SpeakerLog.Reannouncing(_logger, returned, count);
        }
        catch (Exception e)
        {
            SpeakerLog.ReannounceFailed(_logger, e);
        }
    }

    private void ReannounceOverCompetitors(IReadOnlyList<string> competitors, int count)
    {
        try
        {
            _sink.Reannounce();
            SpeakerLog.ReannouncingOverCompetitors(_logger, competitors, count);
        }
        catch (Exception e)
        {
            SpeakerLog.ReannounceFailed(_logger, e);
        }
    }

    private void Apply(SpeakerDecision decision)
    {
        if (_appliedOnce && SpeakerDecision.SameSet(decision.Desired, _applied))
        {
            return;
        }

        try
        {
            _sink.Apply(decision.Desired);
        }
        catch (Exception e)
        {
            SpeakerLog.SinkFailed(_logger, decision.Desired.Count, RetryDelay, e);
            _decideTimer.Change(RetryDelay, Timeout.InfiniteTimeSpan);
            return;
        }

        _applied = decision.Desired;
        Desired = decision.Desired;
        _metrics.SetAnnounced([.. decision.Verdicts.Where(v => v.Value.Announce).SelectMany(v => v.Value.Addresses.Select(a => (v.Key, a.ToString())))]);
        if (!_appliedOnce)
        {
            _appliedOnce = true;
            SpeakerLog.Ready(_logger, Options.NodeName, decision.Desired.Count);
            _ready.TrySetResult();
        }
    }

    private IReadOnlySet<string>? NodeInterfaces()
    {
        try
        {
            return _sink.NodeInterfaces;
        }
        catch (Exception e)
        {
            SpeakerLog.InterfacesUnknown(_logger, e);
            return null;
        }
    }

    // Logs each Service that starts or stops being announced here, and queues MetalLB's events: nodeAssigned for the
    // first, announceFailed (one per address) when this node is elected but has none of the advertisements' interfaces.
    private void Report(SpeakerDecision previous, SpeakerDecision decision, Dictionary<string, V1Service> services)
    {
        foreach (var (key, verdict) in decision.Verdicts)
        {
            var before = previous.Verdicts.GetValueOrDefault(key);
            if (verdict.Reason == Layer2Reason.InterfacesMissing
                && (before is not { Reason: Layer2Reason.InterfacesMissing } || !before.Addresses.SequenceEqual(verdict.Addresses) || !before.Interfaces.SetEquals(verdict.Interfaces)))
            {
                SpeakerLog.InterfacesMissing(_logger, key, verdict.Addresses, verdict.Detail);
                foreach (var address in _frozen ? [] : verdict.Addresses)
                {
                    _pendingEvents.Enqueue((services[key], address));
                }
            }

            if (verdict.Announce && (before is not { Announce: true } || !before.Addresses.SequenceEqual(verdict.Addresses)))
            {
                SpeakerLog.Announced(_logger, key, Options.NodeName, verdict.Addresses);
                if (!_frozen && before is not { Announce: true })
                {
                    _pendingEvents.Enqueue((services[key], null));
                }
            }
            else if (!verdict.Announce && before is { Announce: true })
            {
                SpeakerLog.Withdrawn(_logger, key, before.Addresses, verdict.Reason, verdict.Detail);
            }
        }

        foreach (var (key, before) in previous.Verdicts)
        {
            if (before.Announce && !decision.Verdicts.ContainsKey(key))
            {
                SpeakerLog.Deleted(_logger, key, before.Addresses);
            }
        }
    }

    private void ReadConfiguration()
    {
        var snapshot = _configuration.Snapshot();
        if (string.Equals(snapshot.Fingerprint, _fingerprint, StringComparison.Ordinal))
        {
            return;
        }

        _fingerprint = snapshot.Fingerprint;
        var configuration = MetalLbConfigurationReader.Resolve(snapshot.ConfigMap, snapshot.Resources);
        foreach (var problem in configuration.Errors)
        {
            SpeakerLog.ConfigurationProblem(_logger, problem.Severity.ToString(), problem.ToString());
        }

        if (configuration.IsValid && configuration.Form != ConfigurationForm.None)
        {
            _configurationInForce = configuration;
            _metrics.SetConfiguration(loaded: true, stale: false);
            return;
        }

        _metrics.SetConfiguration(loaded: _configurationInForce is not null, stale: configuration.Form != ConfigurationForm.None);

        SpeakerLog.KeepingConfiguration(
            _logger,
            configuration.Form == ConfigurationForm.None ? LogLevel.Warning : LogLevel.Error,
            configuration.Form == ConfigurationForm.None ? "no configuration was found" : "the configuration is invalid and does not take effect",
            _configurationInForce is null ? "none yet: nothing is announced until a valid one exists" : "the last valid one");
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        try
        {
            await _statusCache.WaitForSyncAsync(stop).ConfigureAwait(false);
            TimeSpan? wait = Options.StatusRenewInterval;
            while (true)
            {
                // Woken by every change of its inputs; the timeout only for what comes due with time (a renewal, a
                // retry): an idle speaker's loop sleeps until something happens.
                await _write.WaitAsync(wait, _time, stop).ConfigureAwait(false);
                await RecordEventsAsync(stop).ConfigureAwait(false);
                await CheckKubeProxyAsync(stop).ConfigureAwait(false);
                while (_forgotten.TryDequeue(out var name))
                {
                    _statuses.Forget(name);
                }

                var kubeProxyPending = _kubeProxy is { HasSynced: false } ? Options.StatusRenewInterval : (TimeSpan?)null;
                if (!Options.WriteStatus || _frozen || !_appliedOnce)
                {
                    wait = kubeProxyPending;
                    continue;
                }

                // Unchanged inputs and a reconciler with nothing left to do: skip the comparison of every status.
                var decision = _decision;
                var statusChanges = Interlocked.Read(ref _statusChanges);
                if (!ReferenceEquals(decision, _reconciledDecision) || statusChanges != _reconciledStatusChanges || _statuses.NeedsPass)
                {
                    var desired = decision.Verdicts
                        .Where(v => v.Value.Announce)
                        .ToDictionary(v => v.Key, v => (IReadOnlyList<string>)(v.Value.AllInterfaces ? [] : [.. v.Value.Interfaces]), StringComparer.Ordinal);
                    await _statuses.ReconcileAsync(desired, _statusCache.Objects, s => _evidence.IsFresh(ObjectKeys.Of(s)), stop).ConfigureAwait(false);
                    (_reconciledDecision, _reconciledStatusChanges) = (decision, statusChanges);
                }

                wait = Earliest(await RenewAsync(stop).ConfigureAwait(false), Earliest(NextPassIn(), kubeProxyPending));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // The reconciler's next pass with work of its own; one with work now runs after a renewal interval, not at once.
    private TimeSpan? NextPassIn()
    {
        var next = _statuses.NextPassIn;
        return next == TimeSpan.Zero ? Options.StatusRenewInterval : next;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    // Keeps one of this node's statuses changing every renewal interval while the membership misses a member whose
    // node is up, or counts a node through the API, or another node's status competes with one of ours. Returns when
    // the next renewal is due, or null when none is wanted: what makes one wanted (a membership change, another
    // node's status, a node's readiness) wakes the write loop.
    private async Task<TimeSpan?> RenewAsync(CancellationToken stop)
    {
        // Frozen (handing over): a renewal would make the others count this leaving node alive and step back. The
        // write loop checks before its pass too, but a pass that started before the freeze reaches this point after.
        if (!Options.SplitBrainTieBreak || _membership.LiveSpeakers is null || _frozen
            || !_evidence.ShouldRenew(node => Layer2Inputs.IsReady(_nodes.Get(node))))
        {
            return null;
        }

        // A timer can fire a little before a stopwatch measures the whole interval: that counts as due.
        if (!_renewNow && _lastRenewal != 0 && Options.StatusRenewInterval - _time.GetElapsedTime(_lastRenewal) is var left && left > RenewSlack)
        {
            return left;
        }

        _renewNow = false;
        _lastRenewal = _time.GetTimestamp();
        try
        {
            await _statuses.RenewOneAsync(stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            SpeakerLog.RenewFailed(_logger, e);
        }

        var next = Options.StatusRenewInterval - _time.GetElapsedTime(_lastRenewal);
        return next > TimeSpan.Zero ? next : TimeSpan.Zero;
    }

    private async Task RecordEventsAsync(CancellationToken stop)
    {
        while (_pendingEvents.TryDequeue(out var pending))
        {
            var (service, failed) = pending;
            try
            {
                await (failed is { } address
                    ? _events.AnnounceFailedAsync(service, address, stop)
                    : _events.NodeAssignedAsync(service, stop)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                SpeakerLog.EventFailed(_logger, failed is null ? SpeakerEvents.NodeAssigned : SpeakerEvents.AnnounceFailed, ObjectKeys.Of(service), e);
            }
        }
    }

    private async Task CheckKubeProxyAsync(CancellationToken stop)
    {
        if (_kubeProxy is null || !_kubeProxy.HasSynced)
        {
            return;
        }

        // The informer replaces the object when it changes: the same one needs no second reading of its YAML.
        var configMap = _kubeProxy.Get($"{KubeProxyStrictArp.Namespace}/{KubeProxyStrictArp.Name}");
        var seen = (object?)configMap ?? KubeProxyAbsent;
        if (ReferenceEquals(seen, _kubeProxyChecked))
        {
            return;
        }

        _kubeProxyChecked = seen;
        var problem = KubeProxyStrictArp.Problem(configMap);
        _metrics.SetStrictArpMissing(problem is not null);
        if (problem is null)
        {
            _strictArpReported = null;
            return;
        }

        var identity = $"{configMap!.Metadata.Uid}|{problem}";
        if (string.Equals(identity, _strictArpReported, StringComparison.Ordinal))
        {
            return;
        }

        _strictArpReported = identity;
        SpeakerLog.StrictArp(_logger, KubeProxyStrictArp.Namespace, KubeProxyStrictArp.Name, problem);
        try
        {
            await _events.StrictArpAsync(configMap, problem, stop).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            SpeakerLog.EventFailed(_logger, KubeProxyStrictArp.Reason, $"{KubeProxyStrictArp.Namespace}/{KubeProxyStrictArp.Name}", e);
        }
    }

    // Whether a Service this node announced at the hand-over no longer needs it, or another node wrote its status since.
    private bool TakenOver(string key, long since)
    {
        if (_services.Get(key) is not { } service
            || !ServiceRequestReader.IsHandled(service, Options.LoadBalancerClass)
            || !string.Equals(service.Spec?.Type, "LoadBalancer", StringComparison.Ordinal)
            || service.Status?.LoadBalancer?.Ingress is not { Count: > 0 })
        {
            return true;
        }

        return _statusCache.Objects.Any(s =>
            string.Equals(ServiceL2StatusReconciler.ServiceKeyOf(s), key, StringComparison.Ordinal)
            && !string.Equals(ServiceL2StatusReconciler.NodeOf(s), Options.NodeName, StringComparison.Ordinal)
            && _evidence.ChangedSince(ObjectKeys.Of(s), since));
    }
}
