using System.Globalization;
using System.Net;
using BareLb.Kube.Configuration.Api;
using System.Text.Json.Nodes;
using BareLb.Kube.Client;
using BareLb.Kube.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Speaker;

/// <summary>
/// Keeps this node's ServiceL2Status objects as MetalLB 0.14+ keeps them (<c>layer2_status_controller.go</c>): one
/// object per Service this node announces, in the speaker's namespace, named <c>l2-</c> plus a generated suffix,
/// labelled with the node and the Service, owned by the speaker Pod, its status giving the node, the Service and the
/// interfaces (none listed when it announces on every interface); deleted when the node stops announcing. As the
/// announcer, it also deletes other nodes' statuses of the Service, but only those that have not changed for the
/// evidence window (a status that changes belongs to a live announcer: the split-brain tie-break reads it).
/// Called from one loop at a time.
/// </summary>
internal sealed partial class ServiceL2StatusReconciler
{
    private static readonly string Version = MetalLbApi.VersionOf(ServiceL2Status.Plural);
    private static readonly TimeSpan OwnerRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ForbiddenRetry = TimeSpan.FromMinutes(5);
    private readonly ApiConnection _client;
    private readonly CustomObjects _objects;
    private readonly string _node;
    private readonly string _namespace;
    private readonly string? _podName;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, string> _mine = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);
    private V1OwnerReference? _owner;
    private bool _ownerMissingLogged;
    private long _ownerTried;
    private int _renewCursor;
    private long _forbiddenAt;
    private bool _forbiddenLogged;
    private long _writes;
    private bool _settled;

    public ServiceL2StatusReconciler(ApiConnection client, string node, string @namespace, string? podName, ILogger logger, TimeProvider time)
    {
        _client = client;
        _objects = new CustomObjects(client, Version, @namespace, ServiceL2Status.Plural);
        _node = node;
        _namespace = @namespace;
        _podName = podName;
        _logger = logger;
        _time = time;
    }

    /// <summary>The Service keys this node holds a status for (as far as it knows).</summary>
    public IReadOnlyCollection<string> Owned => _mine.Keys;

    /// <summary>
    /// Whether a pass would have work even if its inputs (the desired statuses and the cached objects) did not change:
    /// the last pass wrote, failed, or met another node's status (whose freshness runs out with time); this node's
    /// objects await their owner Pod; or the retry after a refusal is due. False when the last pass found everything
    /// in place, so that an idle speaker need not compare every status every renewal interval.
    /// </summary>
    public bool NeedsPass => NextPassIn == TimeSpan.Zero;

    /// <summary>
    /// How long until a pass has work without new inputs (see <see cref="NeedsPass"/>): zero when it has now, null
    /// when only a change of its inputs can give it any (the loop may then wait for one without a timeout).
    /// </summary>
    public TimeSpan? NextPassIn =>
        _forbiddenAt != 0 ? Remaining(_forbiddenAt, ForbiddenRetry)
        : !_settled ? TimeSpan.Zero
        : _owner is null && _podName is not null && _mine.Count > 0 ? Remaining(_ownerTried, OwnerRetry)
        : null;

    /// <summary>The Service key a status object is labelled with, or null when a label is missing (MetalLB skips those).</summary>
    public static string? ServiceKeyOf(ServiceL2Status status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var labels = status.Metadata?.Labels;
        return labels is not null
            && labels.TryGetValue(ServiceL2StatusLabels.ServiceNamespace, out var ns)
            && labels.TryGetValue(ServiceL2StatusLabels.ServiceName, out var name)
            ? $"{ns}/{name}"
            : null;
    }

    /// <summary>The node a status object is labelled with.</summary>
    public static string? NodeOf(ServiceL2Status status) =>
        status?.Metadata?.Labels?.TryGetValue(ServiceL2StatusLabels.Node, out var node) == true ? node : null;

    /// <summary>An object of ours went away (deleted by another speaker, or by us).</summary>
    public void Forget(string name)
    {
        foreach (var key in _mine.Where(m => string.Equals(m.Value, name, StringComparison.Ordinal)).Select(m => m.Key).ToList())
        {
            _mine.Remove(key);
            _written.Remove(key);
            _settled = false;
        }
    }

    /// <summary>
    /// Brings the objects in line with <paramref name="desired"/> (Service key to the interfaces it is announced on,
    /// empty for every interface). <paramref name="isFresh"/> tells whether another node's object changed recently.
    /// Failures are logged and retried at the next call.
    /// </summary>
    public async Task ReconcileAsync(
        IReadOnlyDictionary<string, IReadOnlyList<string>> desired,
        IReadOnlyCollection<ServiceL2Status> cached,
        Func<ServiceL2Status, bool> isFresh,
        CancellationToken cancellationToken)
    {
        if (_forbiddenAt != 0 && _time.GetElapsedTime(_forbiddenAt) < ForbiddenRetry)
        {
            return; // refused (MetalLB v0.13's RBAC has no ServiceL2Status): tried again from time to time
        }

        var writesBefore = _writes;
        var settled = true;
        var byService = cached
            .Select(s => (Key: ServiceKeyOf(s), Status: s))
            .Where(s => s.Key is not null)
            .GroupBy(s => s.Key!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(s => s.Status).ToList(), StringComparer.Ordinal);
        var keys = new HashSet<string>(desired.Keys, StringComparer.Ordinal);
        keys.UnionWith(_mine.Keys);
        keys.UnionWith(byService.Where(g => g.Value.Any(IsMine)).Select(g => g.Key));
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            try
            {
                var present = byService.GetValueOrDefault(key) ?? [];
                settled &= present.TrueForAll(IsMine);
                await ReconcileOneAsync(key, desired.GetValueOrDefault(key), present, isFresh, cancellationToken).ConfigureAwait(false);
                _forbiddenAt = 0;
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.Forbidden)
            {
                _forbiddenAt = _time.GetTimestamp();
                if (!_forbiddenLogged)
                {
                    _forbiddenLogged = true;
                    Log.WriteForbidden(_logger, _namespace, ForbiddenRetry.TotalMinutes);
                }

                _settled = false;
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.WriteFailed(_logger, key, e);
                settled = false;
            }
        }

        _settled = settled && _writes == writesBefore;
    }

    /// <summary>Changes one of this node's objects (round robin), so that other speakers see it alive; false when it holds none.</summary>
    public async Task<bool> RenewOneAsync(CancellationToken cancellationToken)
    {
        if (_mine.Count == 0)
        {
            return false;
        }

        var entries = _mine.OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
        var (key, name) = entries[_renewCursor++ % entries.Count];
        var stamp = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [ServiceL2StatusLabels.RenewedAnnotation] = stamp } },
        }.ToJsonString();
        try
        {
            await _objects.PatchAsync(name, patch, status: false, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            _mine.Remove(key);
            _written.Remove(key);
            return false;
        }
    }

    private bool IsMine(ServiceL2Status status) => string.Equals(NodeOf(status), _node, StringComparison.Ordinal);

    private async Task ReconcileOneAsync(string key, IReadOnlyList<string>? interfaces, List<ServiceL2Status> present, Func<ServiceL2Status, bool> isFresh, CancellationToken cancellationToken)
    {
        var own = present.Where(IsMine).ToList();
        if (interfaces is null)
        {
            // Not announcing: delete only our own (the announcer cleans up the rest).
            foreach (var status in own)
            {
                await DeleteAsync(status.Metadata.Name, cancellationToken).ConfigureAwait(false);
            }

            if (_mine.Remove(key, out var created) && own.All(o => !string.Equals(o.Metadata.Name, created, StringComparison.Ordinal)))
            {
                await DeleteAsync(created, cancellationToken).ConfigureAwait(false); // not yet seen in the cache
            }

            _written.Remove(key);
            return;
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (serviceNamespace, serviceName) = (key[..slash], key[(slash + 1)..]);
        var want = DesiredStatus(serviceName, serviceNamespace, interfaces);
        var wantText = KubeJson.Serialize(want);
        var keep = own.FirstOrDefault(o => _mine.TryGetValue(key, out var n) && string.Equals(o.Metadata.Name, n, StringComparison.Ordinal)) ?? own.FirstOrDefault();
        if (keep is null && !_mine.ContainsKey(key))
        {
            var name = await CreateAsync(serviceName, serviceNamespace, cancellationToken).ConfigureAwait(false);
            _mine[key] = name;
            await PatchStatusAsync(key, name, want, wantText, cancellationToken).ConfigureAwait(false);
            Log.Created(_logger, name, key);
        }
        else if (keep is not null)
        {
            _mine[key] = keep.Metadata.Name;
            await AdoptAsync(keep, cancellationToken).ConfigureAwait(false);
            var current = keep.Status is null ? "" : KubeJson.Serialize(keep.Status);
            if (!string.Equals(current, wantText, StringComparison.Ordinal) && !string.Equals(_written.GetValueOrDefault(key), wantText, StringComparison.Ordinal))
            {
                await PatchStatusAsync(key, keep.Metadata.Name, want, wantText, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (!string.Equals(_written.GetValueOrDefault(key), wantText, StringComparison.Ordinal))
        {
            await PatchStatusAsync(key, _mine[key], want, wantText, cancellationToken).ConfigureAwait(false); // created, not yet in the cache
        }

        foreach (var status in present)
        {
            var redundant = IsMine(status) && !ReferenceEquals(status, keep) && (keep is not null || !string.Equals(status.Metadata.Name, _mine.GetValueOrDefault(key), StringComparison.Ordinal));
            var staleForeign = !IsMine(status) && !isFresh(status);
            if (redundant || staleForeign)
            {
                await DeleteAsync(status.Metadata.Name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // An object of this node written by an earlier speaker Pod is owned by this one from now on, as MetalLB's
    // CreateOrPatch sets the owner at every write (else it would go with the old Pod).
    private async Task AdoptAsync(ServiceL2Status status, CancellationToken cancellationToken)
    {
        var owner = await OwnerAsync(cancellationToken).ConfigureAwait(false);
        if (owner is null || status.Metadata.OwnerReferences?.Any(o => string.Equals(o.Uid, owner.Uid, StringComparison.Ordinal)) == true)
        {
            return;
        }

        var patch = new JsonObject { ["metadata"] = new JsonObject { ["ownerReferences"] = new JsonArray(KubeJson.ToNode(owner)) } }.ToJsonString();
        _writes++;
        await _objects.PatchAsync(status.Metadata.Name, patch, status: false, cancellationToken).ConfigureAwait(false);
    }

    private ServiceL2StatusStatus DesiredStatus(string serviceName, string serviceNamespace, IReadOnlyList<string> interfaces) => new()
    {
        Node = _node,
        ServiceName = serviceName,
        ServiceNamespace = serviceNamespace,
        Interfaces = interfaces.Count == 0 ? null : [.. interfaces.Order(StringComparer.Ordinal).Select(i => new InterfaceInfo { Name = i })],
    };

    private async Task<string> CreateAsync(string serviceName, string serviceNamespace, CancellationToken cancellationToken)
    {
        var owner = await OwnerAsync(cancellationToken).ConfigureAwait(false);
        var body = new ServiceL2Status
        {
            Metadata = new V1ObjectMeta
            {
                GenerateName = ServiceL2StatusLabels.GenerateName,
                NamespaceProperty = _namespace,
                Labels = new Dictionary<string, string>
                {
                    [ServiceL2StatusLabels.Node] = _node,
                    [ServiceL2StatusLabels.ServiceName] = serviceName,
                    [ServiceL2StatusLabels.ServiceNamespace] = serviceNamespace,
                },
                OwnerReferences = owner is null ? null : [owner],
            },
        };
        _writes++;
        var created = await _objects.CreateAsync(body, cancellationToken).ConfigureAwait(false);
        return created.Metadata.Name;
    }

    private async Task PatchStatusAsync(string key, string name, ServiceL2StatusStatus status, string statusText, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["status"] = KubeJson.ToNode(status) }.ToJsonString();
        _writes++;
        try
        {
            await _objects.PatchAsync(name, body, status: true, cancellationToken).ConfigureAwait(false);
            _written[key] = statusText;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            _mine.Remove(key); // deleted under us: created again at the next pass
            _written.Remove(key);
        }
    }

    private async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        _writes++;
        try
        {
            await _objects.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
            Log.Deleted(_logger, name);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            // Already gone.
        }

        Forget(name);
    }

    // The speaker Pod, owner of every object written (read once; a Pod that cannot be read leaves objects without owner, logged once).
    private async Task<V1OwnerReference?> OwnerAsync(CancellationToken cancellationToken)
    {
        if (_owner is not null || _podName is null || (_ownerTried != 0 && _time.GetElapsedTime(_ownerTried) < OwnerRetry))
        {
            return _owner;
        }

        _ownerTried = _time.GetTimestamp();
        try
        {
            var pod = await KubeApi.GetAsync<V1Pod>(_client, ApiPath.Core("pods", _namespace, _podName), cancellationToken).ConfigureAwait(false);
            _owner = new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid };
        }
        catch (HttpOperationException e) when (!_ownerMissingLogged)
        {
            _ownerMissingLogged = true;
            Log.NoOwner(_logger, _namespace, _podName, (int?)e.Response?.StatusCode ?? 0);
        }

        return _owner;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 451, Level = LogLevel.Debug, Message = "Created ServiceL2Status {Name} for {Service}")]
        public static partial void Created(ILogger logger, string name, string service);

        [LoggerMessage(EventId = 452, Level = LogLevel.Debug, Message = "Deleted ServiceL2Status {Name}")]
        public static partial void Deleted(ILogger logger, string name);

        [LoggerMessage(EventId = 453, Level = LogLevel.Warning, Message = "Writing the ServiceL2Status of {Service} failed; retrying")]
        public static partial void WriteFailed(ILogger logger, string service, Exception exception);

        [LoggerMessage(EventId = 454, Level = LogLevel.Warning, Message = "Speaker Pod {Namespace}/{Pod} could not be read (HTTP {Status}): ServiceL2Status objects are written without an owner, so they do not go away with the Pod")]
        public static partial void NoOwner(ILogger logger, string @namespace, string pod, int status);

        [LoggerMessage(EventId = 455, Level = LogLevel.Warning, Message = "Writing ServiceL2Status objects in {Namespace} is forbidden to this ServiceAccount (MetalLB v0.13's RBAC has no rule for them): announcing without them, trying again every {Minutes} min")]
        public static partial void WriteForbidden(ILogger logger, string @namespace, double minutes);
    }

    private TimeSpan Remaining(long since, TimeSpan period)
    {
        var left = period - _time.GetElapsedTime(since);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
