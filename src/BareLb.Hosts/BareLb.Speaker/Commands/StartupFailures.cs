using BareLb.Arp.Transports;

namespace BareLb.Speaker.Commands;

/// <summary>Turns what the environment refuses at start (an interface, a capability, a port) into one line on stderr and exit code 1.</summary>
internal static class StartupFailures
{
    public static async Task<int> RunAsync(Func<Task<int>> run, TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception e) when (e is FrameTransportException or StartupException)
        {
            await error.WriteLineAsync("barelb-speaker: " + e.Message).ConfigureAwait(false);
            return ExitCodes.StartFailed;
        }
    }
}
