using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using BareLb.Kube.Controller;
using BareLb.Kube.Informers;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller;

/// <summary>A Service controller wired to a client the way the host wires it: informers, reconciler, allocator.</summary>
internal sealed class ControllerParts : IAsyncDisposable
{
    private ControllerParts(ServiceController controller, Informer<V1Service> services, Informer<V1Namespace> namespaces, Informer<V1ConfigMap>? configMaps)
    {
        ConfigMaps = configMaps;
        Controller = controller;
        Services = services;
        Namespaces = namespaces;
    }

    /// <summary>The guide's pool.</summary>
    public static PoolConfiguration GuidePool { get; } =
        PoolConfiguration.Create([new AddressPoolSpec { Name = "default", Addresses = ["192.168.35.100-192.168.35.110"] }]);

    public ServiceController Controller { get; }

    public Informer<V1Service> Services { get; }

    public Informer<V1Namespace> Namespaces { get; }

    public Informer<V1ConfigMap>? ConfigMaps { get; }

    public static ControllerParts Build(Kubernetes client, IServiceWriter writer, PoolConfiguration? pools = null, bool configMap = false)
    {
        var services = new Informer<V1Service>(ListWatch.For<V1Service, V1ServiceList>(
            ct => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct),
            (rv, timeout, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
        var namespaces = new Informer<V1Namespace>(ListWatch.For<V1Namespace, V1NamespaceList>(
            ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
            (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
        Informer<V1ConfigMap>? configMaps = configMap
            ? new Informer<V1ConfigMap>(ListWatch.For<V1ConfigMap, V1ConfigMapList>(
                ct => client.CoreV1.ListNamespacedConfigMapAsync("metallb-system", cancellationToken: ct),
                (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespacedConfigMapAsync("metallb-system", allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)))
            : null;
        var allocator = new AddressAllocator(configMap ? PoolConfiguration.Empty : pools ?? GuidePool);
        var controller = new ServiceController(
            services,
            namespaces,
            new ServiceReconciler(allocator, writer),
            configMaps: configMaps,
            configurationEvents: writer as IConfigurationEvents ?? (writer as CountingWriter)?.Events);
        return new ControllerParts(controller, services, namespaces, configMaps);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Namespaces.DisposeAsync();
        if (ConfigMaps is not null)
        {
            await ConfigMaps.DisposeAsync();
        }

        Controller.Dispose();
    }
}
