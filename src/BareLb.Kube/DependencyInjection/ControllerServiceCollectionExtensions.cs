using BareLb.Kube.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BareLb.Kube.DependencyInjection;

/// <summary>Registers BareLb's controller in a host's container.</summary>
public static class ControllerServiceCollectionExtensions
{
    /// <summary>
    /// Adds the leader-elected Service controller as a hosted service
    /// (<see cref="LeaderElectedControllerService"/>), its <see cref="ControllerMetrics"/>, and
    /// <see cref="BareLbControllerOptions"/> checked when the host starts. The host registers an
    /// <see cref="Client.ApiConnection"/> (or a KubernetesClient <see cref="k8s.IKubernetes"/> client, whose pipeline is
    /// then used); a <see cref="TimeProvider"/> already registered (a fake
    /// one in tests) is used for every timer, else <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddBareLbController(this IServiceCollection services, Action<BareLbControllerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BareLbControllerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BareLbControllerOptions>, BareLbControllerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        ApiConnectionRegistration.TryAddFromKubernetesClient(services);
        services.TryAddSingleton<ControllerMetrics>();
        services.TryAddSingleton<LeaderElectedControllerService>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElectedControllerService>());
        return services;
    }
}
