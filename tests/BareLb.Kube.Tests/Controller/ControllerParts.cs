using BareLb.Core.Pools;
using BareLb.Kube.Client;
using BareLb.Kube.Controller;
using k8s;

namespace BareLb.Kube.Tests.Controller;

/// <summary>Builds Service controllers for tests the way the host does.</summary>
internal static class ControllerParts
{
    /// <summary>The guide's pool.</summary>
    public static PoolConfiguration GuidePool { get; } =
        PoolConfiguration.Create([new AddressPoolSpec { Name = "default", Addresses = ["192.168.35.100-192.168.35.110"] }]);

    /// <summary>With the guide's pool given directly, or (<paramref name="configMap"/>) with pools from the legacy ConfigMap.</summary>
    public static ServiceControllerHost Build(Kubernetes client, IServiceWriter writer, PoolConfiguration? pools = null, bool configMap = false) =>
        ServiceControllerHost.Create(ApiConnection.Of(client), writer: writer, pools: configMap ? null : pools ?? GuidePool);
}
