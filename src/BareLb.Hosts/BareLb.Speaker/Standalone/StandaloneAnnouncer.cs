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

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop answering at once: the engine empties its tables before it waits for its threads.
        // It disposes on a thread of its own, and the host's shutdown timeout bounds the wait, so
        // an engine that cannot stop is logged and does not keep the process from exiting.
        var disposing = Task.Factory.StartNew(_engine.Dispose, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await disposing.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!disposing.IsCompleted)
        {
            Log.StopTimedOut(_logger, _transport.InterfaceName);
            return;
        }

        Log.Stopped(_logger, _transport.InterfaceName);
    }

    private static partial class Log
    {
        [LoggerMessage(5001, LogLevel.Information, "Announcing {Count} address(es) on {Interface} as {HardwareAddress}")]
        public static partial void Started(ILogger logger, int count, string @interface, string hardwareAddress);

        [LoggerMessage(5002, LogLevel.Information, "Stopped answering on {Interface}")]
        public static partial void Stopped(ILogger logger, string @interface);

        [LoggerMessage(5003, LogLevel.Warning, "The engine on {Interface} did not stop within the shutdown timeout; exiting without waiting for it")]
        public static partial void StopTimedOut(ILogger logger, string @interface);
    }
}
