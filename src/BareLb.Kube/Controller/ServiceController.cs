using BareLb.Core.Allocation;
using BareLb.Kube.Informers;
using BareLb.Kube.Queues;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Controller;

/// <summary>
/// Runs the Service reconciler: informers for Services and Namespaces feed a de-duplicating work
/// queue; once both caches have synced, every Service's existing addresses are restored (oldest
/// Service first) before any key is processed; then one worker reconciles key by key, retrying
/// failures with backoff, and retries pending Services whenever addresses are released.
/// </summary>
public sealed class ServiceController : IDisposable
{
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1Namespace> _namespaces;
    private readonly ServiceReconciler _reconciler;
    private readonly WorkQueue<string> _queue;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a controller over informers that it starts itself.</summary>
    public ServiceController(Informer<V1Service> services, Informer<V1Namespace> namespaces, ServiceReconciler reconciler, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _namespaces = namespaces ?? throw new ArgumentNullException(nameof(namespaces));
        _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
        _queue = new WorkQueue<string>(timeProvider);
        _logger = logger ?? NullLogger.Instance;
        _services.Subscribe(change => _queue.Add(change.Key));
        _namespaces.Subscribe(change => EnqueueNamespace(change.Item.Metadata?.Name));
    }

    /// <summary>Whether the caches have synced and existing addresses are restored.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Waits until the controller is ready.</summary>
    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    /// <summary>Runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _services.Start();
        _namespaces.Start();
        await _services.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        await _namespaces.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);

        var existing = _services.Objects
            .OrderBy(s => s.Metadata?.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(ObjectKeys.Of, StringComparer.Ordinal)
            .ToList();
        var restored = existing.Count(s => _reconciler.Restore(s, LabelsOf(s.Metadata?.NamespaceProperty)));
        ServiceControllerLog.Restored(_logger, restored, existing.Count);
        _ready.TrySetResult();

        using var stop = cancellationToken.Register(_queue.ShutDown);
        while (true)
        {
            var (ok, key) = await _queue.TakeAsync(CancellationToken.None).ConfigureAwait(false);
            if (!ok)
            {
                return;
            }

            try
            {
                var assignedBefore = _reconciler.Allocator.AssignedCount;
                var service = _services.Get(key);
                await _reconciler.ReconcileAsync(KeyOf(key), service, LabelsOf(service?.Metadata?.NamespaceProperty), cancellationToken).ConfigureAwait(false);
                _queue.Forget(key);
                if (_reconciler.Allocator.AssignedCount < assignedBefore)
                {
                    foreach (var pending in _reconciler.Allocator.PendingServices)
                    {
                        _queue.Add(pending.ToString());
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ServiceControllerLog.Failed(_logger, key, _queue.AddRateLimited(key), e);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _queue.Dispose();

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
