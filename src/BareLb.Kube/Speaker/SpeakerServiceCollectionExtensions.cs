using System.Diagnostics.Metrics;
using BareLb.Kube.Client;
using BareLb.Kube.DependencyInjection;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Kube.Speaker;

/// <summary>Registers the Kubernetes side of BareLb's speaker in a host's container.</summary>
public static class SpeakerServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="Layer2SpeakerController"/> as a singleton and a hosted service, with
    /// <see cref="Layer2SpeakerOptions"/> checked when the host starts. The host registers an
    /// <see cref="ApiConnection"/> (or a KubernetesClient <see cref="IKubernetes"/> client, whose pipeline is then used), the <see cref="ISpeakerMembership"/> and the <see cref="IAnnouncementSink"/>;
    /// a <see cref="TimeProvider"/> already registered (a fake one in tests) is used, else <see cref="TimeProvider.System"/>.
    /// </summary>
    public static IServiceCollection AddBareLbSpeaker(this IServiceCollection services, Action<Layer2SpeakerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<Layer2SpeakerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Layer2SpeakerOptions>, Layer2SpeakerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        ApiConnectionRegistration.TryAddFromKubernetesClient(services);
        services.TryAddSingleton(sp => new Layer2SpeakerController(
            sp.GetRequiredService<ApiConnection>(),
            sp.GetRequiredService<ISpeakerMembership>(),
            sp.GetRequiredService<IAnnouncementSink>(),
            sp.GetRequiredService<IOptions<Layer2SpeakerOptions>>().Value,
            sp.GetService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IMeterFactory>()));
        services.AddHostedService(sp => sp.GetRequiredService<Layer2SpeakerController>());
        return services;
    }
}
