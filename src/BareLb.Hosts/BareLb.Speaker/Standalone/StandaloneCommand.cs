using BareLb.Arp;
using BareLb.Arp.Transports;
using BareLb.Speaker.Commands;
using BareLb.Speaker.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Standalone;

/// <summary>
/// <c>barelb-speaker standalone</c>: parses its arguments, opens the transport before the host
/// starts (so that a missing interface or capability is one line on stderr, not a host failure),
/// and the metrics endpoint if asked for, then runs the announcer until SIGINT or SIGTERM.
/// </summary>
internal static class StandaloneCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var arguments = StandaloneArguments.Parse(args);
        if (arguments is null)
        {
            Console.Out.WriteLine(StandaloneArguments.Usage);
            return ExitCodes.Success;
        }

        var transport = TransportOpener.Open(arguments.Transport, arguments.InterfaceName, arguments.NetworkNamespace);
        MetricsServer? metrics;
        try
        {
            metrics = arguments.MetricsListen is { } endpoint ? MetricsServer.Open(endpoint) : null;
        }
        catch
        {
            transport.Dispose();
            throw;
        }

        if (metrics is not null)
        {
            Console.Out.WriteLine($"barelb-speaker: serving metrics at {metrics.Url}");
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = "barelb-speaker",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddMetrics();
        builder.Services.AddSingleton(arguments);
        builder.Services.AddSingleton<IFrameTransport>(transport);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new Layer2Engine(
            arguments.Options,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        if (metrics is not null)
        {
            builder.Services.AddHostedService(sp =>
            {
                metrics.UseLogger(sp.GetRequiredService<ILogger<MetricsServer>>());
                return metrics;
            });
        }

        builder.Services.AddHostedService<StandaloneAnnouncer>();

        using var host = builder.Build();
        await host.RunAsync().ConfigureAwait(false);
        return ExitCodes.Success;
    }
}
