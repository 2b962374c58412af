using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Hosting;
using BareLb.Hosting.Http;
using BareLb.Hosting.Logging;
using BareLb.Speaker.Commands;
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
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddBareLbHosting(o =>
        {
            if (arguments.MetricsListen is { } listen)
            {
                o.Listen.Add(listen);
            }

            o.MeterNames.Add(Layer2Engine.MeterName);
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
        builder.Services.AddHostedService<StandaloneAnnouncer>();

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
