using BareLb.Hosting;
using BareLb.Hosting.Health;
using BareLb.Hosting.Http;
using BareLb.Hosting.Kubeconfig;
using BareLb.Hosting.Logging;
using BareLb.Kube.Client;
using BareLb.Kube.DependencyInjection;
using BareLb.Kube.Memberlist;
using BareLb.Kube.Metrics;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Controller;

/// <summary>Runs the controller on the hosting layer until SIGINT or SIGTERM; wiring only.</summary>
internal static class ControllerHost
{
    /// <summary>Runs until a signal, or until the controller's work dies (exit code 1); <paramref name="configure"/> registers test doubles first.</summary>
    public static async Task<int> RunAsync(ControllerSettings settings, Action<IServiceCollection>? configure = null)
    {
        ResolvedKubeconfig kubeconfig;
        try
        {
            kubeconfig = KubeconfigResolver.Resolve(settings.Kubeconfig);
        }
        catch (KubeconfigException e)
        {
            await Console.Error.WriteLineAsync($"barelb-controller: no usable Kubernetes configuration: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "barelb-controller",
            DisableDefaults = true,
        });
        builder.Logging.AddBareLbConsole(settings.LogLevel);
        configure?.Invoke(builder.Services);
        Configure(builder.Services, settings, kubeconfig.Configuration);

        using var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (ListenException e)
        {
            await Console.Error.WriteLineAsync($"barelb-controller: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"barelb-controller: {e.Failures.First()}").ConfigureAwait(false);
            return 2;
        }

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BareLb.Controller");
        settings.Ignored.LogOnce(logger);
        var address = host.Services.GetRequiredService<ProbeServer>().Addresses is [var first, ..] ? first : null;
        await Console.Out.WriteLineAsync($"barelb-controller {settings.Identity}: serving /healthz, /readyz and /metrics on {address}; namespace {settings.Namespace}; {kubeconfig.Source}").ConfigureAwait(false);
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return host.Services.GetRequiredService<LeaderElectedControllerService>().Failure is null ? Environment.ExitCode : 1;
    }

    /// <summary>Registers everything the controller host needs (also used by the host tests, with a fake client and clock).</summary>
    public static void Configure(IServiceCollection services, ControllerSettings settings, KubernetesClientConfiguration? clientConfiguration)
    {
        if (clientConfiguration is not null)
        {
            services.AddSingleton(_ => ApiConnection.Create(clientConfiguration));
        }

        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services.AddBareLbHosting(o =>
        {
            foreach (var address in settings.Listen)
            {
                o.Listen.Add(address);
            }

            o.MeterNames.Add(ControllerMetrics.MeterName);
        });
        services.AddBareLbController(o =>
        {
            o.Namespace = settings.Namespace;
            o.ConfigMapName = settings.ConfigMapName;
            o.LoadBalancerClass = settings.LoadBalancerClass;
            o.Identity = settings.Identity;
            o.LeaseDuration = settings.LeaseDuration;
        });
        // As MetalLB's controller: every replica makes sure the speakers' memberlist Secret exists (an existing one is kept).
        services.AddHostedService(provider => new MemberlistSecretService(new MemberlistSecret(
            provider.GetRequiredService<ApiConnection>(),
            new MemberlistSecretOptions { Namespace = settings.Namespace, SecretName = settings.MemberlistSecretName, DeploymentName = settings.DeploymentName },
            provider.GetService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<MemberlistSecret>())));
        services.AddHealthChecks()
            .AddCheck<ControllerLiveness>("controller-worker", tags: [HealthTags.Live])
            .AddCheck<ControllerReadiness>("controller", tags: [HealthTags.Ready]);
    }
}
