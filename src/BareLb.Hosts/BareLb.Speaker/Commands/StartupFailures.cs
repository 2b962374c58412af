using BareLb.Arp.Transports;

namespace BareLb.Speaker.Commands;

/// <summary>Turns what the environment refuses at start (an interface, a capability, a port) into one line on stderr and exit code 1.</summary>
internal static class StartupFailures
{
    public static async Task<int> RunAsync(Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FrameTransportException or StartupException)
        {
            await Console.Error.WriteLineAsync("barelb-speaker: " + e.Message).ConfigureAwait(false);
            return ExitCodes.StartFailed;
        }
    }
}
