using BareLb.Core.Allocation;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Informers;
using BareLb.Kube.Metrics;
using BareLb.Kube.Queues;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Controller;

/// <summary>
/// Runs the Service reconciler: informers for Services and Namespaces (and, when given, the legacy
/// ConfigMap) feed a de-duplicating work queue; once the caches have synced and a valid
/// configuration is loaded, every Service's existing addresses are restored (oldest Service
/// first) before any key is processed; then one worker reconciles key by key, retrying failures
/// with backoff, and retries pending Services whenever addresses are released. A configuration
/// change is applied by the same worker, so the allocator has one owner; an invalid one is
/// reported on its object and the last good one stays in force.
/// </summary>
internal sealed partial class ServiceController : IDisposable
{
    private const string ConfigurationKey = "\0configuration";

    // How many Services' writes may be in flight at once, and how often the allocator's counts are published
    // while the queue is busy (always when it empties).
    private const int WriteWindow = 16;
    private static readonly TimeSpan StatisticsInterval = TimeSpan.FromMilliseconds(200);
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1Namespace> _namespaces;
    private readonly ServiceReconciler _reconciler;
    private readonly WorkQueue<string> _queue;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConfigurationInformers? _configuration;
    private readonly ConfigurationStatusPublisher? _publisher;
    private readonly HashSet<string> _recordedProblems = new(StringComparer.Ordinal);
    private string? _fingerprint;
    private volatile bool _configurationRead;
    private (ConfigurationSnapshot Snapshot, MetalLbConfiguration Configuration)? _owedProblems;
    private readonly TimeProvider _time;
    private long _statisticsPublished;
    private readonly ServiceControllerOptions _options;
    private readonly IConfigurationEvents? _configurationEvents;
    private readonly ControllerMetrics? _metrics;
    private bool _configured;

    /// <summary>
    /// Creates a controller over informers that it starts itself. With <paramref name="configuration"/> (informers
    /// over the controller's namespace), pools come from MetalLB's configuration, the metallb.io objects or the
    /// legacy ConfigMap, and no Service is touched before it holds a valid configuration; without it, the
    /// reconciler's allocator keeps the pools it was created with. With <paramref name="statusWriter"/>, the
    /// metallb.io objects get status conditions and IPAddressPools their counts.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public ServiceController(
        Informer<V1Service> services,
        Informer<V1Namespace> namespaces,
        ServiceReconciler reconciler,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        ConfigurationInformers? configuration = null,
        ServiceControllerOptions? options = null,
        IConfigurationEvents? configurationEvents = null,
        ControllerMetrics? metrics = null,
        IConfigurationStatusWriter? statusWriter = null)
    {
        _metrics = metrics;
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _namespaces = namespaces ?? throw new ArgumentNullException(nameof(namespaces));
        _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
        _options = options ?? new ServiceControllerOptions();
        if (_options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _queue = new WorkQueue<string>(timeProvider);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _configuration = configuration;
        _configurationEvents = configurationEvents;
        _publisher = statusWriter is null || configuration is null
            ? null
            : new ConfigurationStatusPublisher(statusWriter, _options.Configuration.Namespace, _options.PoolStatusInterval, timeProvider ?? TimeProvider.System, _logger);
        _configured = configuration is null;
        _services.Subscribe(change => _queue.Add(change.Key));
        _namespaces.Subscribe(change => EnqueueNamespace(change.Item.Metadata?.Name));
        _configuration?.Subscribe(() => _queue.Add(ConfigurationKey));
    }

    /// <summary>The configuration in force (null until a valid one is loaded, or when pools were given directly).</summary>
    public MetalLbConfiguration? Configuration { get; private set; }

    /// <summary>The problems of the last configuration read, valid or not.</summary>
    public IReadOnlyList<ConfigurationProblem> ConfigurationProblems { get; private set; } = [];

    /// <summary>Whether the caches have synced, a valid configuration is loaded and existing addresses are restored.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>
    /// Whether the caches have synced and the configuration has been read, but no valid configuration has been
    /// loaded yet: the controller works (it touches no Service until a valid configuration exists), as MetalLB's
    /// controller does before its first configuration.
    /// </summary>
    public bool IsAwaitingConfiguration => _configurationRead && !IsReady;

    /// <summary>Waits until the controller is ready.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Completes when the controller has nothing left to do: no key waits or is being processed (so no Service's
    /// writes are in flight) and no retry is scheduled. For tests, which otherwise would have to sleep before
    /// asserting that nothing more happens.
    /// </summary>
    internal Task WaitUntilIdleAsync(CancellationToken cancellationToken) => _queue.WhenIdleAsync(cancellationToken);

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _services.Start();
        _namespaces.Start();
        _configuration?.Start();
        await _services.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        await _namespaces.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publisher = _publisher?.RunAsync(publishing.Token) ?? Task.CompletedTask;
        try
        {
            await RunWorkerAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await publishing.CancelAsync().ConfigureAwait(false);
            await publisher.ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _queue.Dispose();
        _publisher?.Dispose();
    }

    private async Task RunWorkerAsync(CancellationToken cancellationToken)
    {
        if (_configuration is not null)
        {
            await _configuration.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            _queue.Add(ConfigurationKey); // the first read too runs in the loop below, so a failure is retried like any later one
        }
        else
        {
            RestoreAll();
        }

        using var stop = cancellationToken.Register(_queue.ShutDown);
        using var window = new SemaphoreSlim(WriteWindow);
        try
        {
            await ProcessQueueAsync(window, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            for (var i = 0; i < WriteWindow; i++)
            {
                await window.WaitAsync(CancellationToken.None).ConfigureAwait(false); // every Service's writes have finished
            }
        }
    }

    // One owner for the allocator: every decision is made here, synchronously and in order. Only the writes that
    // carry a decision out run on, up to WriteWindow Services at a time; a key stays taken until its writes
    // finish, so a Service never has two decisions in flight at once.
    private async Task ProcessQueueAsync(SemaphoreSlim window, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (ok, key) = await _queue.TakeAsync(CancellationToken.None).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }

            var handedOff = false;
            var slotTaken = false;
            try
            {
                if (string.Equals(key, ConfigurationKey, StringComparison.Ordinal))
                {
                    await ApplyConfigurationOrRetryAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!_configured)
                {
                    continue; // every Service is queued again once a valid configuration arrives
                }

                var retryBefore = _reconciler.Allocator.RetryRevision;
                var service = _services.Get(key);
                var decision = _reconciler.Decide(KeyOf(key), service, LabelsOf(service?.Metadata?.NamespaceProperty));
                if (decision.HasWrites)
                {
                    await window.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                    slotTaken = true;
                    var writes = _reconciler.CarryOutAsync(decision, cancellationToken);
                    handedOff = true;
                    _ = FinishAsync(key, writes, window, cancellationToken);
                }
                else
                {
                    _queue.Forget(key);
                    _metrics?.UpdateProcessed(failed: false);
                }

                if (_reconciler.Allocator.RetryRevision != retryBefore)
                {
                    foreach (var pending in _reconciler.Allocator.PendingServices)
                    {
                        _queue.Add(pending.ToString());
                    }
                }

                if (_queue.Count == 0 || _time.GetElapsedTime(_statisticsPublished) >= StatisticsInterval)
                {
                    PublishStatistics();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _metrics?.UpdateProcessed(failed: true);
                ServiceControllerLog.Failed(_logger, key, _queue.AddRateLimited(key), e);
            }
            finally
            {
                if (!handedOff)
                {
                    if (slotTaken)
                    {
                        window.Release(); // the Service failed before its writes started: FinishAsync will not give the slot back
                    }

                    _queue.Done(key);
                }
            }
        }
    }

    // Waits for one Service's writes, then gives its key back to the queue (retrying it with backoff on failure).
    private async Task FinishAsync(string key, Task writes, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            await writes.ConfigureAwait(false);
            _queue.Forget(key);
            _metrics?.UpdateProcessed(failed: false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            _metrics?.UpdateProcessed(failed: true);
            ServiceControllerLog.Failed(_logger, key, _queue.AddRateLimited(key), e);
        }
        finally
        {
            window.Release();
            _queue.Done(key);
        }
    }

    // Restores every Service's shown addresses, oldest first, then opens the gate.
    private void RestoreAll()
    {
        var existing = _services.Objects
            .OrderBy(s => s.Metadata?.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(ObjectKeys.Of, StringComparer.Ordinal)
            .ToList();
        var restored = existing.Count(s => _reconciler.Restore(s, LabelsOf(s.Metadata?.NamespaceProperty)));
        ServiceControllerLog.Restored(_logger, restored, existing.Count);
        PublishStatistics();
        _ready.TrySetResult();
    }

    private void PublishStatistics()
    {
        _statisticsPublished = _time.GetTimestamp();
        if (_metrics is null && _publisher is null)
        {
            return;
        }

        var statistics = _reconciler.Allocator.GetStatistics();
        _metrics?.Publish(statistics);
        _publisher?.SetStatistics(statistics);
    }

    // Applies the configuration; when an event about one of its problems could not be recorded, reads it again after
    // the configuration key's backoff.
    private async Task ApplyConfigurationOrRetryAsync(CancellationToken cancellationToken)
    {
        if (await ApplyConfigurationAsync(cancellationToken).ConfigureAwait(false))
        {
            _queue.Forget(ConfigurationKey); // the next failure backs off from the base delay again
        }
        else
        {
            EventsOwed(_logger, _queue.AddRateLimited(ConfigurationKey));
        }
    }

    // Returns false when an event about a problem could not be recorded (it is tried again at the next call).
    private async Task<bool> ApplyConfigurationAsync(CancellationToken cancellationToken)
    {
        var snapshot = _configuration!.Snapshot();
        if (string.Equals(snapshot.Fingerprint, _fingerprint, StringComparison.Ordinal))
        {
            // Only statuses changed, or nothing did; events owed from an earlier read are tried again.
            return _owedProblems is not { } owed || await ReportProblemsAsync(owed.Snapshot, owed.Configuration, log: false, cancellationToken).ConfigureAwait(false);
        }

        var configuration = MetalLbConfigurationReader.Resolve(snapshot.ConfigMap, snapshot.Resources);
        ConfigurationProblems = configuration.Problems;
        var applies = configuration.IsValid && configuration.Form != ConfigurationForm.None;
        _metrics?.ConfigurationRead(applies, configuration.Errors.Count(), configuration.Warnings.Count());
        var recorded = await ReportProblemsAsync(snapshot, configuration, log: true, cancellationToken).ConfigureAwait(false);
        _publisher?.SetConditions(snapshot.CustomResources.Select(r => (
            r.Plural,
            r.Object.Metadata.Name,
            (string?)r.Object.Metadata.Uid,
            r.Object.Metadata.Generation,
            ConfigurationConditions.For(r.Kind, r.Object.Metadata.Name, configuration, ignoredForConfigMap: snapshot.ConfigMap is not null))));
        _fingerprint = snapshot.Fingerprint;
        _configurationRead = true;
        if (!applies)
        {
            KeepingLastGood(
                _logger,
                configuration.Form == ConfigurationForm.None ? LogLevel.Warning : LogLevel.Error,
                configuration.Form == ConfigurationForm.None ? "no configuration was found" : "the configuration is invalid and does not take effect",
                Configuration is null ? "none yet: no Service is touched until a valid one exists" : "the last valid one");
            return recorded;
        }

        Configuration = configuration;
        var impact = _reconciler.Allocator.Reconfigure(configuration.Pools!);
        PublishStatistics();
        if (!_configured)
        {
            _configured = true;
            RestoreAll();
            foreach (var service in _services.Objects)
            {
                _queue.Add(ObjectKeys.Of(service));
            }

            return recorded;
        }

        foreach (var key in impact.Lost.Select(l => l.Service).Concat(impact.MayNowSucceed).Concat(impact.Moved))
        {
            _queue.Add(key.ToString());
        }

        return recorded;
    }

    // Logs every problem, and records a Warning event on its object once (again only after it went away and came back).
    // Returns false when an event could not be recorded, for any reason but our own stop (an HTTP timeout included):
    // the problems are then owed, and the next call records what is missing.
    private async Task<bool> ReportProblemsAsync(ConfigurationSnapshot snapshot, MetalLbConfiguration configuration, bool log, CancellationToken cancellationToken)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        var recorded = true;
        foreach (var problem in configuration.Problems)
        {
            if (log)
            {
                LogProblem(_logger, problem.Severity.ToString(), problem.ToString());
            }

            var owner = snapshot.Find(problem.Kind, problem.ObjectName);
            var identity = $"{owner?.Metadata?.Uid}|{problem}";
            current.Add(identity);
            if (_configurationEvents is null || owner is null || _recordedProblems.Contains(identity))
            {
                continue;
            }

            try
            {
                await _configurationEvents.RecordProblemAsync(problem, _options.Configuration.Namespace, owner.Metadata?.Uid, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                current.Remove(identity); // recorded at the next try
                recorded = false;
                EventFailed(_logger, problem.ToString(), e);
            }
        }

        _recordedProblems.Clear();
        _recordedProblems.UnionWith(current);
        _owedProblems = recorded ? null : (snapshot, configuration);
        return recorded;
    }

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Configuration {Severity}: {Problem}")]
    private static partial void LogProblem(ILogger logger, string severity, string problem);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Recording an event for the configuration problem failed: {Problem}")]
    private static partial void EventFailed(ILogger logger, string problem, Exception exception);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Some configuration problems could not be recorded as events; trying again in {Delay}")]
    private static partial void EventsOwed(ILogger logger, TimeSpan delay);

    // An invalid configuration is an error; none at all (a fresh installation, as the guide's before its ConfigMap) a warning.
    [LoggerMessage(EventId = 203, Message = "{What}; in force: {InForce}")]
    private static partial void KeepingLastGood(ILogger logger, LogLevel level, string what, string inForce);

    private static ServiceKey KeyOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return new ServiceKey(key[..slash], key[(slash + 1)..]);
    }

    private IReadOnlyDictionary<string, string>? LabelsOf(string? ns) =>
        ns is null ? null : Services.Labels.ReadOnly(_namespaces.Get(ns)?.Metadata?.Labels);

    private void EnqueueNamespace(string? ns)
    {
        if (ns is null)
        {
            return;
        }

        foreach (var service in _services.Objects)
        {
            if (string.Equals(service.Metadata?.NamespaceProperty, ns, StringComparison.Ordinal))
            {
                _queue.Add(ObjectKeys.Of(service));
            }
        }
    }
}
