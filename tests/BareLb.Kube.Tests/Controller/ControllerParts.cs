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
    private ControllerParts(ServiceController controller, Informer<V1Service> services, Informer<V1Namespace> namespaces)
    {
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

    public static ControllerParts Build(Kubernetes client, IServiceWriter writer, PoolConfiguration? pools = null)
    {
        var services = new Informer<V1Service>(ListWatch.For<V1Service, V1ServiceList>(
            ct => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct),
            (rv, timeout, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
        var namespaces = new Informer<V1Namespace>(ListWatch.For<V1Namespace, V1NamespaceList>(
            ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
            (rv, timeout, onError, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)));
        var controller = new ServiceController(services, namespaces, new ServiceReconciler(new AddressAllocator(pools ?? GuidePool), writer));
        return new ControllerParts(controller, services, namespaces);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Namespaces.DisposeAsync();
        Controller.Dispose();
    }
}
