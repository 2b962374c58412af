using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using BareLb.Kube.Informers;
using BareLb.Kube.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Controller;

/// <summary>
/// A Service controller wired to a cluster: informers for Services, Namespaces and the
/// controller namespace's ConfigMaps, a fresh allocator, and the writer. One instance per
/// leadership term; disposing it stops its informers.
/// </summary>
public sealed class ServiceControllerHost : IAsyncDisposable
{
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1Namespace> _namespaces;
    private readonly Informer<V1ConfigMap>? _configMaps;

    private ServiceControllerHost(ServiceController controller, AddressAllocator allocator, Informer<V1Service> services, Informer<V1Namespace> namespaces, Informer<V1ConfigMap>? configMaps)
    {
        Controller = controller;
        Allocator = allocator;
        _services = services;
        _namespaces = namespaces;
        _configMaps = configMaps;
    }

    /// <summary>The controller.</summary>
    public ServiceController Controller { get; }

    /// <summary>The allocator the controller owns (read it only from tests after the controller stopped).</summary>
    public AddressAllocator Allocator { get; }

    /// <summary>
    /// Wires a controller to <paramref name="client"/>. With <paramref name="pools"/>, those pools
    /// are used as they are; without, the pools come from the legacy ConfigMap in the options' namespace.
    /// </summary>
    public static ServiceControllerHost Create(
        IKubernetes client,
        ServiceControllerOptions? options = null,
        IServiceWriter? writer = null,
        string? loadBalancerClass = null,
        PoolConfiguration? pools = null,
        ControllerMetrics? metrics = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new ServiceControllerOptions();
        var kubernetesWriter = new KubernetesServiceWriter(client, "barelb-controller");
        writer ??= kubernetesWriter;
        var services = new Informer<V1Service>(
            ListWatch.For<V1Service, V1ServiceList>(
                ct => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct),
                (rv, timeout, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)),
            logger: loggerFactory?.CreateLogger<Informer<V1Service>>());
        var namespaces = new Informer<V1Namespace>(
            ListWatch.For<V1Namespace, V1NamespaceList>(
                ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
                (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)),
            logger: loggerFactory?.CreateLogger<Informer<V1Namespace>>());
        var configMaps = pools is not null ? null : new Informer<V1ConfigMap>(
            ListWatch.For<V1ConfigMap, V1ConfigMapList>(
                ct => client.CoreV1.ListNamespacedConfigMapAsync(options.Namespace, cancellationToken: ct),
                (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespacedConfigMapAsync(options.Namespace, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)),
            logger: loggerFactory?.CreateLogger<Informer<V1ConfigMap>>());
        var allocator = new AddressAllocator(pools ?? PoolConfiguration.Empty);
        var controller = new ServiceController(
            services,
            namespaces,
            new ServiceReconciler(allocator, writer, loadBalancerClass),
            logger: loggerFactory?.CreateLogger<ServiceController>(),
            configMaps: configMaps,
            options: options,
            configurationEvents: writer as IConfigurationEvents ?? kubernetesWriter,
            metrics: metrics);
        return new ServiceControllerHost(controller, allocator, services, namespaces, configMaps);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        await _namespaces.DisposeAsync().ConfigureAwait(false);
        if (_configMaps is not null)
        {
            await _configMaps.DisposeAsync().ConfigureAwait(false);
        }

        Controller.Dispose();
    }
}
