using System.Globalization;
using System.Text;
using BareLb.Kube.Client;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Informers;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BareLb.Kube.Configuration.Source;

/// <summary>
/// Informers over everything MetalLB's configuration is made of, in one namespace: the legacy
/// ConfigMap and the <c>metallb.io</c> kinds IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer
/// (v1beta2), BFDProfile and Community. A kind whose CRD is not installed reads as having no objects, and is
/// picked up once it is installed. <see cref="Snapshot"/> gives the inputs of the both-forms rule
/// of <see cref="MetalLbConfigurationReader.Resolve"/>.
/// </summary>
internal sealed class ConfigurationInformers : IAsyncDisposable
{
    private readonly string _configMapKey;
    private readonly IReadOnlyList<IConfigurationKind> _kinds;

    private ConfigurationInformers(Informer<V1ConfigMap> configMaps, string configMapKey, IReadOnlyList<IConfigurationKind> kinds)
    {
        ConfigMaps = configMaps;
        _configMapKey = configMapKey;
        _kinds = kinds;
    }

    /// <summary>The ConfigMaps of the configuration's namespace.</summary>
    public Informer<V1ConfigMap> ConfigMaps { get; }

    /// <summary>Informers over the namespace of <paramref name="options"/>, through <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static ConfigurationInformers Create(ApiConnection client, ConfigurationSourceOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        var ns = options.Namespace;
        var time = timeProvider ?? TimeProvider.System;
        var forbiddenLogger = (ILogger?)loggerFactory?.CreateLogger<ConfigurationInformers>() ?? NullLogger.Instance;

        // Every configuration kind is optional to the controller: one its ServiceAccount may not read or watch (MetalLB's
        // own RBAC grants no ConfigMaps and no watch on BGPPeers) reads as empty or is listed again from time to time.
        IListWatch<T> Tolerant<T>(IListWatch<T> inner, string what) =>
            new ForbiddenTolerantListWatch<T>(inner, $"{what} in {ns}", options.AbsentResourceRecheck, time, forbiddenLogger);

        var configMaps = new Informer<V1ConfigMap>(
            Tolerant(
                ListWatch.Of<V1ConfigMap, V1ConfigMapList>(client, ApiPath.Core("configmaps", ns)),
                "configmaps"),
            timeProvider: timeProvider,
            logger: loggerFactory?.CreateLogger<Informer<V1ConfigMap>>());

        IConfigurationKind Kind<T>(string kind, string plural, Action<MetalLbResources, T> add)
            where T : class, IKubernetesObject<V1ObjectMeta>
        {
            var informer = new Informer<T>(
                Tolerant(ListWatch.ForCustomResource<T>(client, MetalLbApi.Group, MetalLbApi.VersionOf(plural), plural, ns, options.AbsentResourceRecheck, timeProvider), $"{plural}.{MetalLbApi.Group}"),
                timeProvider: timeProvider,
                logger: loggerFactory?.CreateLogger<Informer<T>>());
            return new ConfigurationKind<T>(informer, kind, plural, add);
        }

        return new ConfigurationInformers(
            configMaps,
            $"{ns}/{options.ConfigMapName}",
            [
                Kind<IPAddressPool>(IPAddressPool.KindName, IPAddressPool.Plural, (r, o) => r.Pools.Add(o)),
                Kind<L2Advertisement>(L2Advertisement.KindName, L2Advertisement.Plural, (r, o) => r.L2Advertisements.Add(o)),
                Kind<BGPAdvertisement>(BGPAdvertisement.KindName, BGPAdvertisement.Plural, (r, o) => r.BgpAdvertisements.Add(o)),
                Kind<BGPPeer>(BGPPeer.KindName, BGPPeer.Plural, (r, o) => r.BgpPeers.Add(o)),
                Kind<BFDProfile>(BFDProfile.KindName, BFDProfile.Plural, (r, o) => r.BfdProfiles.Add(o)),
                Kind<Community>(Community.KindName, Community.Plural, (r, o) => r.Communities.Add(o)),
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

    /// <summary>
    /// What the caches hold now: the ConfigMap (null when absent), the custom resources, and a fingerprint of
    /// both (the ConfigMap's resourceVersion, every custom resource's uid and generation). Writing a status
    /// changes no generation, so it never changes the fingerprint.
    /// </summary>
    public ConfigurationSnapshot Snapshot()
    {
        var resources = new MetalLbResources();
        var objects = new List<(string Kind, string Plural, IKubernetesObject<V1ObjectMeta> Object)>();
        var configMap = ConfigMaps.Get(_configMapKey);
        var fingerprint = new StringBuilder();
        fingerprint.Append(configMap?.Metadata?.ResourceVersion).Append(';');
        foreach (var kind in _kinds)
        {
            kind.AddTo(resources, objects, fingerprint);
        }

        return new ConfigurationSnapshot(configMap, resources, objects, fingerprint.ToString());
    }

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

        void AddTo(MetalLbResources resources, List<(string Kind, string Plural, IKubernetesObject<V1ObjectMeta> Object)> objects, StringBuilder fingerprint);
    }

    private sealed class ConfigurationKind<T>(Informer<T> informer, string kind, string plural, Action<MetalLbResources, T> add) : IConfigurationKind
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public void Subscribe(Action onChange) => informer.Subscribe(_ => onChange());

        public void Start() => informer.Start();

        public Task WaitForSyncAsync(CancellationToken cancellationToken) => informer.WaitForSyncAsync(cancellationToken);

        public void AddTo(MetalLbResources resources, List<(string Kind, string Plural, IKubernetesObject<V1ObjectMeta> Object)> objects, StringBuilder fingerprint)
        {
            // Name order, so the translation (and its problem list) does not depend on cache order.
            foreach (var item in informer.Objects.OrderBy(o => o.Metadata?.Name, StringComparer.Ordinal))
            {
                add(resources, item);
                objects.Add((kind, plural, item));
                fingerprint.Append(plural).Append('/').Append(item.Metadata?.Name).Append('/').Append(item.Metadata?.Uid).Append('/')
                    .Append((item.Metadata?.Generation ?? 0).ToString(CultureInfo.InvariantCulture)).Append(';');
            }
        }

        public ValueTask DisposeAsync() => informer.DisposeAsync();

    }
}
