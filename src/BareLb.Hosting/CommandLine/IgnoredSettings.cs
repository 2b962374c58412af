using Microsoft.Extensions.Logging;

namespace BareLb.Hosting.CommandLine;

/// <summary>
/// Settings a drop-in host accepts for compatibility but does not act on (MetalLB's webhook, TLS
/// and pprof flags, for instance): each given one is remembered with the reason, and
/// <see cref="LogOnce"/> logs each exactly once at start.
/// </summary>
public sealed partial class IgnoredSettings
{
    private readonly List<(string Setting, string Reason)> _settings = [];
    private int _logged;

    /// <summary>The settings given and ignored, as <c>--flag=value</c> or <c>VARIABLE=value</c>, with the reason.</summary>
    public IReadOnlyList<(string Setting, string Reason)> Settings => _settings;

    /// <summary>Remembers that <paramref name="setting"/> was given and is ignored because of <paramref name="reason"/>.</summary>
    public void Add(string setting, string reason) => _settings.Add((setting, reason));

    /// <summary>Logs every ignored setting once, however often it is called.</summary>
    public void LogOnce(ILogger logger)
    {
        if (Interlocked.Exchange(ref _logged, 1) != 0)
        {
            return;
        }

        foreach (var (setting, reason) in _settings)
        {
            Log.Ignored(logger, setting, reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Ignoring {Setting}: {Reason}")]
        public static partial void Ignored(ILogger logger, string setting, string reason);
    }
}
