using BareLb.Hosting.Http;
using Microsoft.Extensions.Hosting;

namespace BareLb.Speaker.Standalone;

/// <summary>
/// Prints <c>barelb-speaker: serving metrics at URL</c> (with the port actually bound) once the
/// probe server listens and before the announcer starts, so that whoever waits for the speaker
/// to announce already knows where to scrape.
/// </summary>
internal sealed class MetricsUrlPrinter(ProbeServer server) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (server.Addresses is [var url, ..])
        {
            await Console.Out.WriteLineAsync($"barelb-speaker: serving metrics at {new Uri(url, "/metrics")}").ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
