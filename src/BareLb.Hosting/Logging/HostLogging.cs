using Microsoft.Extensions.Logging;

namespace BareLb.Hosting.Logging;

/// <summary>The logging every BareLb host uses: one line per entry on the console, UTC timestamps, a minimum level.</summary>
public static class HostLogging
{
    /// <summary>
    /// Replaces the providers with a single-line console logger at <paramref name="minimum"/>;
    /// the framework's own chatter (hosting lifetime, ASP.NET Core) is kept to warnings, and the health check
    /// service's line per failing probe (an error at every <c>/readyz</c> while a process starts) is left out: the
    /// probe's answer says why, and a process logs its own state changes.
    /// </summary>
    public static ILoggingBuilder AddBareLbConsole(this ILoggingBuilder logging, LogLevel minimum)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        logging.SetMinimumLevel(minimum);
        var framework = minimum > LogLevel.Warning ? minimum : LogLevel.Warning;
        logging.AddFilter("Microsoft.Hosting.Lifetime", framework);
        logging.AddFilter("Microsoft.AspNetCore", framework);
        logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        return logging;
    }
}
