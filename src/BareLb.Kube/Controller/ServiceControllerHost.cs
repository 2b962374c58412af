using BareLb.Core.Allocation;
using BareLb.Core.Pools;
using BareLb.Kube.Client;
using BareLb.Kube.Configuration.Source;
using BareLb.Kube.Informers;
using BareLb.Kube.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Controller;

/// <summary>
/// A Service controller wired to a cluster: informers for Services, Namespaces and the
/// controller namespace's configuration (ConfigMap and metallb.io objects), a fresh allocator, and the writer. One instance per
/// leadership term; disposing it stops its informers.
/// </summary>
internal sealed class ServiceControllerHost : IAsyncDisposable
{
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1Namespace> _namespaces;
    private readonly ConfigurationInformers? _configuration;

    private ServiceControllerHost(ServiceController controller, AddressAllocator allocator, Informer<V1Service> services, Informer<V1Namespace> namespaces, ConfigurationInformers? configuration)
    {
        Controller = controller;
        Allocator = allocator;
        _services = services;
        _namespaces = namespaces;
        _configuration = configuration;
    }

    /// <summary>The controller.</summary>
    public ServiceController Controller { get; }

    /// <summary>The controller's Service informer (for tests that need to know what it has seen).</summary>
    internal Informer<V1Service> Services => _services;

    /// <summary>The allocator the controller owns (read it only from tests after the controller stopped).</summary>
    public AddressAllocator Allocator { get; }

    /// <summary>
    /// Wires a controller to <paramref name="client"/>. With <paramref name="pools"/>, those pools
    /// are used as they are; without, they come from MetalLB's configuration in the options' namespace:
    /// the metallb.io objects, or, when there are none, the legacy ConfigMap. Configuration objects get
    /// status conditions, and IPAddressPools their counts, through <paramref name="statusWriter"/>
    /// (by default written through <paramref name="client"/>). Every timer runs on <paramref name="timeProvider"/>
    /// (<see cref="TimeProvider.System"/> by default).
    /// </summary>
    public static ServiceControllerHost Create(
        ApiConnection client,
        ServiceControllerOptions? options = null,
        IServiceWriter? writer = null,
        string? loadBalancerClass = null,
        PoolConfiguration? pools = null,
        ControllerMetrics? metrics = null,
        ILoggerFactory? loggerFactory = null,
        IConfigurationStatusWriter? statusWriter = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= new ServiceControllerOptions();
        var kubernetesWriter = new KubernetesServiceWriter(client, "barelb-controller", timeProvider);
        writer ??= kubernetesWriter;
        var services = new Informer<V1Service>(
            ListWatch.Of<V1Service, V1ServiceList>(client, ApiPath.Core("services")),
            timeProvider: timeProvider,
            logger: loggerFactory?.CreateLogger<Informer<V1Service>>());
        var namespaces = new Informer<V1Namespace>(
            ListWatch.Of<V1Namespace, V1NamespaceList>(client, ApiPath.Core("namespaces")),
            timeProvider: timeProvider,
            logger: loggerFactory?.CreateLogger<Informer<V1Namespace>>());
        var configuration = pools is not null ? null : ConfigurationInformers.Create(client, options.Configuration, loggerFactory, timeProvider);
        var allocator = new AddressAllocator(pools ?? PoolConfiguration.Empty);
        var controller = new ServiceController(
            services,
            namespaces,
            new ServiceReconciler(allocator, writer, loadBalancerClass),
            logger: loggerFactory?.CreateLogger<ServiceController>(),
            configuration: configuration,
            options: options,
            configurationEvents: writer as IConfigurationEvents ?? kubernetesWriter,
            metrics: metrics,
            statusWriter: statusWriter ?? new KubernetesConfigurationStatusWriter(client, loggerFactory?.CreateLogger<KubernetesConfigurationStatusWriter>()),
            timeProvider: timeProvider);
        return new ServiceControllerHost(controller, allocator, services, namespaces, configuration);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        await _namespaces.DisposeAsync().ConfigureAwait(false);
        if (_configuration is not null)
        {
            await _configuration.DisposeAsync().ConfigureAwait(false);
        }

        Controller.Dispose();
    }
}
