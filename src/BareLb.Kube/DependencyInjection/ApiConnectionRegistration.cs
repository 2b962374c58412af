using BareLb.Kube.Client;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BareLb.Kube.DependencyInjection;

/// <summary>Where BareLb's services find their <see cref="ApiConnection"/> in a host's container.</summary>
internal static class ApiConnectionRegistration
{
    /// <summary>
    /// Unless the host registered an <see cref="ApiConnection"/>, BareLb sends on the pipeline of the host's
    /// <see cref="IKubernetes"/> client (<see cref="ApiConnection.Of"/>).
    /// </summary>
    public static void TryAddFromKubernetesClient(IServiceCollection services) =>
        services.TryAddSingleton(sp => ApiConnection.Of(sp.GetRequiredService<IKubernetes>()));
}
