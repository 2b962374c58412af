using System.CommandLine;

namespace BareLb.Hosting.CommandLine;

/// <summary>
/// Environment-variable fallbacks for options, as MetalLB's Go flags take theirs
/// (<c>flag.String("namespace", os.Getenv("METALLB_NAMESPACE"), ...)</c>): a flag on the command line
/// wins, then a non-empty variable, then the default. Variables are read through a function so
/// tests need not touch the process environment.
/// </summary>
public static class EnvironmentFallback
{
    /// <summary>Gives <paramref name="option"/> the value of <paramref name="variable"/> when not on the command line, else <paramref name="fallback"/>; the help names the variable.</summary>
    public static Option<string?> FromEnvironment(this Option<string?> option, string variable, Func<string, string?> environment, string? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(environment);
        option.DefaultValueFactory = _ => environment(variable) is { Length: > 0 } value ? value : fallback;
        option.Description = $"{option.Description} [env: {variable}]";
        return option;
    }
}
