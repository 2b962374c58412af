using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Hosting;
using BareLb.Hosting.Http;
using BareLb.Hosting.Logging;
using BareLb.Membership.Hosting;
using BareLb.Speaker.Commands;
using BareLb.Speaker.Standalone.Failover;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Standalone;

/// <summary>
/// <c>barelb-speaker standalone</c>: opens the transport before the host starts (so that a missing
/// interface or capability is one line on stderr, not a host failure), then runs the announcer,
/// and the metrics endpoint if asked for, until SIGINT or SIGTERM.
/// </summary>
internal static class StandaloneCommand
{
    public static async Task<int> RunAsync(StandaloneArguments arguments)
    {
        var transport = TransportOpener.Open(arguments.Transport, arguments.InterfaceName, arguments.NetworkNamespace);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "barelb-speaker",
            DisableDefaults = true,
        });
        builder.Logging.AddBareLbConsole(LogLevel.Information);
        // With membership, a SIGTERM hands the addresses over first: leave, wait for the successors.
        var shutdown = arguments.Failover is null ? TimeSpan.FromSeconds(1) : StandaloneFailover.HandoverTimeout + TimeSpan.FromSeconds(2);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdown);
        builder.Services.AddBareLbHosting(o =>
        {
            if (arguments.MetricsListen is { } listen)
            {
                o.Listen.Add(listen);
            }

            o.MeterNames.Add(Layer2Engine.MeterName);
            if (arguments.Failover is not null)
            {
                o.MeterNames.Add(MembershipNode.MeterName);
            }
            o.ServeHealth = false;
        });
        builder.Services.AddSingleton(arguments);
        builder.Services.AddSingleton<IFrameTransport>(transport);
        builder.Services.AddSingleton(sp => new Layer2Engine(
            arguments.Options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.AddHostedService<MetricsUrlPrinter>();
        if (arguments.Failover is null)
        {
            builder.Services.AddHostedService<StandaloneAnnouncer>();
        }
        else
        {
            builder.Services.AddHostedService<StandaloneFailover>();
        }

        using var host = builder.Build();
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (ListenException e)
        {
            transport.Dispose();
            throw new StartupException($"--metrics-listen {arguments.MetricsListen}: {e.Message}", e);
        }

        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
