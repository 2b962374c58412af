using BareLb.Hosting.Http;
using BareLb.Hosting.Memory;
using BareLb.Hosting.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace BareLb.Hosting;

/// <summary>Registers BareLb's hosting layer in a host's container.</summary>
public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="TimeProvider.System"/> (unless a <see cref="TimeProvider"/> is registered
    /// already, e.g. a fake one in tests), <c>System.Diagnostics.Metrics</c> with a
    /// <see cref="PrometheusTextExporter"/> for the meters named in the options and <see cref="ProcessMetrics"/>, health checks
    /// (register sources with <c>AddHealthChecks().AddCheck(..., tags: [HealthTags.Live])</c>), and
    /// the <see cref="ProbeServer"/> that serves them, its options checked when the host starts, and the memory trim
    /// that returns a burst's garbage to the system once the process is quiet (<see cref="MemoryTrimPolicy"/>;
    /// configure or disable it with <c>services.Configure&lt;MemoryTrimOptions&gt;</c>).
    /// </summary>
    public static IServiceCollection AddBareLbHosting(this IServiceCollection services, Action<ProbeServerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddHealthChecks();
        services.AddOptions<ProbeServerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProbeServerOptions>, ProbeServerOptionsValidator>());
        services.TryAddSingleton<ProcessMetrics>();
        services.TryAddSingleton(sp =>
        {
            _ = sp.GetRequiredService<ProcessMetrics>(); // its instruments exist before the exporter listens
            return new PrometheusTextExporter([.. sp.GetRequiredService<IOptions<ProbeServerOptions>>().Value.MeterNames, ProcessMetrics.MeterName]);
        });
        services.TryAddSingleton<ProbeServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ProbeServer>());
        services.AddOptions<MemoryTrimOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MemoryTrimOptions>, MemoryTrimOptionsValidator>());
        services.AddHostedService<IdleMemoryTrim>();
        return services;
    }
}
