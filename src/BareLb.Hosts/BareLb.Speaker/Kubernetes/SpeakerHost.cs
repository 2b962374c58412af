using System.Diagnostics.Metrics;
using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Hosting;
using BareLb.Hosting.Health;
using BareLb.Hosting.Http;
using BareLb.Hosting.Kubeconfig;
using BareLb.Hosting.Logging;
using BareLb.Kube.Client;
using BareLb.Kube.Speaker;
using BareLb.Membership.Hosting;
using BareLb.Speaker.Commands;
using BareLb.Speaker.Kubernetes.Announcing;
using BareLb.Speaker.Kubernetes.Membership;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BareLb.Speaker.Kubernetes;

/// <summary>
/// Runs the Kubernetes speaker on the hosting layer until SIGINT or SIGTERM; wiring only. The decision lives in
/// BareLb.Kube (<see cref="Layer2SpeakerController"/>), the membership in BareLb.Membership, the answering in BareLb.Arp.
/// Hosted services start in this order (and stop in the reverse one): the membership, the controller, the hand-over.
/// </summary>
internal static class SpeakerHost
{
    public static async Task<int> RunAsync(SpeakerOptions options)
    {
        ResolvedKubeconfig kubeconfig;
        try
        {
            kubeconfig = KubeconfigResolver.Resolve(options.Kubeconfig);
        }
        catch (KubeconfigException e)
        {
            throw new StartupException($"no usable Kubernetes configuration: {e.Message}", e);
        }

        SpeakerPreflight.CheckCapability();
        var key = await SpeakerPreflight.ReadKeyAsync(options, Console.Error, CancellationToken.None).ConfigureAwait(false);
        using (var probe = ApiConnection.Create(kubeconfig.Configuration))
        {
            await SpeakerPreflight.CheckNodeAsync(probe, options.NodeName!, Console.Error, CancellationToken.None).ConfigureAwait(false);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "barelb-speaker",
            DisableDefaults = true,
        });
        builder.Logging.AddBareLbConsole(options.LogLevel);
        Configure(builder.Services, options, key, kubeconfig.Configuration);

        using var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (ListenException e)
        {
            throw new StartupException(e.Message, e);
        }
        catch (OptionsValidationException e)
        {
            throw new StartupException(e.Failures.First(), e);
        }

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("BareLb.Speaker");
        options.Ignored.LogOnce(logger);
        var address = host.Services.GetRequiredService<ProbeServer>().Addresses is [var first, ..] ? first : null;
        await Console.Out.WriteLineAsync($"barelb-speaker on node {options.NodeName}: serving /healthz, /readyz and /metrics on {address}; namespace {options.Namespace}; membership {(options.MemberlistBindAddress is { } bind ? $"{bind}:{options.MemberlistBindPort}" : "off")}; {kubeconfig.Source}").ConfigureAwait(false);
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return ExitCodes.Success;
    }

    /// <summary>Registers everything the speaker host needs.</summary>
    public static void Configure(IServiceCollection services, SpeakerOptions options, byte[]? key, KubernetesClientConfiguration? clientConfiguration)
    {
        if (clientConfiguration is not null)
        {
            services.AddSingleton(_ => ApiConnection.Create(clientConfiguration));
        }

        services.Configure<HostOptions>(o => o.ShutdownTimeout = PlannedHandOver.HandOverTimeout + TimeSpan.FromSeconds(3));
        services.AddBareLbHosting(o =>
        {
            foreach (var listen in Listen(options))
            {
                o.Listen.Add(listen);
            }

            o.MeterNames.Add(Layer2Engine.MeterName);
            o.MeterNames.Add(MembershipNode.MeterName);
            o.MeterNames.Add(SpeakerMetrics.MeterName);
        });
        services.AddSingleton(options);
        services.AddSingleton(sp => new Layer2Engine(new Layer2Options(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton(sp => new EngineAnnouncementSink(
            sp.GetRequiredService<Layer2Engine>(),
            static name => AfPacketTransport.Open(name),
            static address => AnnounceInterfaces.For(address),
            static () => AnnounceInterfaces.All(),
            sp.GetRequiredService<ILogger<EngineAnnouncementSink>>()));
        services.AddSingleton<IAnnouncementSink>(sp => sp.GetRequiredService<EngineAnnouncementSink>());
        services.AddSingleton(sp => new SpeakerMembership(options, key, sp.GetRequiredService<ApiConnection>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<ISpeakerMembership>(sp => sp.GetRequiredService<SpeakerMembership>());
        services.AddHostedService(sp => sp.GetRequiredService<SpeakerMembership>());
        services.AddBareLbSpeaker(o =>
        {
            o.NodeName = options.NodeName ?? "";
            o.PodName = options.PodName;
            o.Namespace = options.Namespace;
            o.LoadBalancerClass = options.LoadBalancerClass;
            o.IgnoreExcludeLoadBalancers = options.IgnoreExcludeLoadBalancer;
        });
        services.AddHostedService<PlannedHandOver>();
        services.AddHealthChecks()
            .AddCheck<SpeakerReadiness>("speaker", tags: [HealthTags.Ready])
            .AddCheck<EngineLiveness>("engine", tags: [HealthTags.Live]);
    }

    private static IEnumerable<ListenAddress> Listen(SpeakerOptions options)
    {
        var host = options.Host is { Length: > 0 } h ? (h.Contains(':', StringComparison.Ordinal) ? $"[{h}]" : h) : null;
        if (options.MetricsPort > 0)
        {
            yield return host is null ? ListenAddress.AnyOn(options.MetricsPort) : new ListenAddress(host, options.MetricsPort);
        }

        if (options.HealthProbePort > 0 && options.HealthProbePort != options.MetricsPort)
        {
            yield return ListenAddress.AnyOn(options.HealthProbePort);
        }
    }
}
