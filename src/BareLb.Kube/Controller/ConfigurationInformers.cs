using System.Globalization;
using System.Text;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Controller;

/// <summary>
/// Informers over everything MetalLB's configuration is made of, in the controller's namespace: the legacy
/// ConfigMap and the <c>metallb.io</c> kinds IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer
/// (v1beta2), BFDProfile and Community. A kind whose CRD is not installed reads as having no objects, and is
/// picked up once it is installed. <see cref="Snapshot"/> gives the inputs of the both-forms rule
/// of <see cref="MetalLbConfigurationReader.Resolve"/>.
/// </summary>
public sealed class ConfigurationInformers : IAsyncDisposable
{
    private readonly string _configMapKey;
    private readonly IReadOnlyList<IConfigurationKind> _kinds;

    private ConfigurationInformers(Informer<V1ConfigMap> configMaps, string configMapKey, IReadOnlyList<IConfigurationKind> kinds)
    {
        ConfigMaps = configMaps;
        _configMapKey = configMapKey;
        _kinds = kinds;
    }

    /// <summary>The ConfigMaps of the controller's namespace.</summary>
    public Informer<V1ConfigMap> ConfigMaps { get; }

    /// <summary>Informers over the controller's namespace, through <paramref name="client"/>.</summary>
    public static ConfigurationInformers Create(IKubernetes client, ServiceControllerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var ns = options.Namespace;
        var configMaps = new Informer<V1ConfigMap>(
            ListWatch.For<V1ConfigMap, V1ConfigMapList>(
                ct => client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: ct),
                (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)),
            timeProvider: timeProvider,
            logger: loggerFactory?.CreateLogger<Informer<V1ConfigMap>>());

        IConfigurationKind Kind<T>(string kindName, string plural, string version, Action<MetalLbResources, T> add)
            where T : class, IKubernetesObject<V1ObjectMeta>
        {
            var informer = new Informer<T>(
                ListWatch.ForCustomResource<T>(client, MetalLbApi.Group, version, plural, ns, options.AbsentResourceRecheck, timeProvider),
                timeProvider: timeProvider,
                logger: loggerFactory?.CreateLogger<Informer<T>>());
            return new ConfigurationKind<T>(informer, kindName, plural, ns, add);
        }

        return new ConfigurationInformers(
            configMaps,
            $"{ns}/{options.ConfigMapName}",
            [
                Kind<IPAddressPool>(IPAddressPool.KindName, IPAddressPool.Plural, "v1beta1", (r, o) => r.Pools.Add(o)),
                Kind<L2Advertisement>(L2Advertisement.KindName, L2Advertisement.Plural, "v1beta1", (r, o) => r.L2Advertisements.Add(o)),
                Kind<BGPAdvertisement>(BGPAdvertisement.KindName, BGPAdvertisement.Plural, "v1beta1", (r, o) => r.BgpAdvertisements.Add(o)),
                Kind<BGPPeer>(BGPPeer.KindName, BGPPeer.Plural, "v1beta2", (r, o) => r.BgpPeers.Add(o)),
                Kind<BFDProfile>(BFDProfile.KindName, BFDProfile.Plural, "v1beta1", (r, o) => r.BfdProfiles.Add(o)),
                Kind<Community>(Community.KindName, Community.Plural, "v1beta1", (r, o) => r.Communities.Add(o)),
            ]);
    }

    /// <summary>Calls <paramref name="onChange"/> (on an informer's task) whenever any configuration object may have changed.</summary>
    public void Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        ConfigMaps.Subscribe(change =>
        {
            if (string.Equals(change.Key, _configMapKey, StringComparison.Ordinal))
            {
                onChange();
            }
        });
        foreach (var kind in _kinds)
        {
            kind.Subscribe(onChange);
        }
    }

    /// <summary>Starts every informer.</summary>
    public void Start()
    {
        ConfigMaps.Start();
        foreach (var kind in _kinds)
        {
            kind.Start();
        }
    }

    /// <summary>Waits until every informer has listed once.</summary>
    public async Task WaitForSyncAsync(CancellationToken cancellationToken)
    {
        await ConfigMaps.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        foreach (var kind in _kinds)
        {
            await kind.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ConfigMap (null when absent) and the custom resources the caches hold now.</summary>
    public (V1ConfigMap? ConfigMap, MetalLbResources Resources) Snapshot()
    {
        var resources = new MetalLbResources();
        foreach (var kind in _kinds)
        {
            kind.AddTo(resources);
        }

        return (ConfigMaps.Get(_configMapKey), resources);
    }

    /// <summary>
    /// Identifies the inputs of the configuration: the ConfigMap's resourceVersion and every custom resource's
    /// uid and generation. Writing a status changes neither, so it never makes the configuration be read again.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        text.Append(ConfigMaps.Get(_configMapKey)?.Metadata?.ResourceVersion).Append(';');
        foreach (var kind in _kinds)
        {
            kind.AppendFingerprint(text);
        }

        return text.ToString();
    }

    /// <summary>The metallb.io object of a kind and name, or null.</summary>
    public IKubernetesObject<V1ObjectMeta>? Find(string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(name);
        if (string.Equals(kind, "ConfigMap", StringComparison.Ordinal))
        {
            return ConfigMaps.Get(_configMapKey);
        }

        return _kinds.Select(k => k.Find(kind, name)).FirstOrDefault(o => o is not null);
    }

    /// <summary>Every metallb.io configuration object the caches hold, with its plural resource name.</summary>
    public IEnumerable<(string Plural, IKubernetesObject<V1ObjectMeta> Object)> CustomResources() =>
        _kinds.SelectMany(k => k.Objects());

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await ConfigMaps.DisposeAsync().ConfigureAwait(false);
        foreach (var kind in _kinds)
        {
            await kind.DisposeAsync().ConfigureAwait(false);
        }
    }

    private interface IConfigurationKind : IAsyncDisposable
    {
        void Subscribe(Action onChange);

        void Start();

        Task WaitForSyncAsync(CancellationToken cancellationToken);

        void AddTo(MetalLbResources resources);

        void AppendFingerprint(StringBuilder text);

        IKubernetesObject<V1ObjectMeta>? Find(string kind, string name);

        IEnumerable<(string Plural, IKubernetesObject<V1ObjectMeta> Object)> Objects();
    }

    private sealed class ConfigurationKind<T>(Informer<T> informer, string kindName, string plural, string @namespace, Action<MetalLbResources, T> add) : IConfigurationKind
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public void Subscribe(Action onChange) => informer.Subscribe(_ => onChange());

        public void Start() => informer.Start();

        public Task WaitForSyncAsync(CancellationToken cancellationToken) => informer.WaitForSyncAsync(cancellationToken);

        public void AddTo(MetalLbResources resources)
        {
            foreach (var item in Sorted())
            {
                add(resources, item);
            }
        }

        public void AppendFingerprint(StringBuilder text)
        {
            foreach (var item in Sorted())
            {
                text.Append(plural).Append('/').Append(item.Metadata?.Name).Append('/').Append(item.Metadata?.Uid).Append('/')
                    .Append((item.Metadata?.Generation ?? 0).ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }

        public IKubernetesObject<V1ObjectMeta>? Find(string kind, string name) =>
            string.Equals(kind, kindName, StringComparison.Ordinal) ? informer.Get($"{@namespace}/{name}") : null;

        public IEnumerable<(string Plural, IKubernetesObject<V1ObjectMeta> Object)> Objects() =>
            Sorted().Select(o => (plural, (IKubernetesObject<V1ObjectMeta>)o));

        public ValueTask DisposeAsync() => informer.DisposeAsync();

        // Name order, so the translation (and its problem list) does not depend on cache order.
        private IOrderedEnumerable<T> Sorted() => informer.Objects.OrderBy(o => o.Metadata?.Name, StringComparer.Ordinal);
    }
}
