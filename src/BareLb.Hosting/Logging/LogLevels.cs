using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace BareLb.Hosting.Logging;

/// <summary>
/// MetalLB's <c>--log-level</c> values (<c>all</c>, <c>debug</c>, <c>info</c>, <c>warn</c>,
/// <c>error</c>, <c>none</c>) and the <see cref="LogLevel"/> each means.
/// </summary>
public static class LogLevels
{
    /// <summary>The accepted names, in MetalLB's order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["all", "debug", "info", "warn", "error", "none"];

    /// <summary>The default, as in MetalLB.</summary>
    public const string Default = "info";

    /// <summary>Reads a MetalLB level name (case-insensitive); false for anything else.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out LogLevel? level)
    {
        level = name?.ToUpperInvariant() switch
        {
            "ALL" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" => LogLevel.Information,
            "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "NONE" => LogLevel.None,
            _ => null,
        };
        return level is not null;
    }
}
