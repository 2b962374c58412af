using BareLb.Arp;
using BareLb.Arp.Transports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Standalone;

/// <summary>Attaches the interface and announces the addresses at start; withdraws everything at stop.</summary>
internal sealed partial class StandaloneAnnouncer : IHostedService
{
    private readonly StandaloneArguments _arguments;
    private readonly IFrameTransport _transport;
    private readonly Layer2Engine _engine;
    private readonly ILogger<StandaloneAnnouncer> _logger;

    public StandaloneAnnouncer(StandaloneArguments arguments, IFrameTransport transport, Layer2Engine engine, ILogger<StandaloneAnnouncer> logger)
    {
        _arguments = arguments;
        _transport = transport;
        _engine = engine;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _engine.AddInterface(_transport, _arguments.Addresses);

        Log.Started(_logger, _arguments.Addresses.Count, _transport.InterfaceName, _transport.HardwareAddress.ToString());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop answering at once: the engine empties its tables before it waits for its threads.
        _engine.Dispose();
        Log.Stopped(_logger, _transport.InterfaceName);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Announcing {Count} address(es) on {Interface} as {HardwareAddress}")]
        public static partial void Started(ILogger logger, int count, string @interface, string hardwareAddress);

        [LoggerMessage(2, LogLevel.Information, "Stopped answering on {Interface}")]
        public static partial void Stopped(ILogger logger, string @interface);
    }
}
