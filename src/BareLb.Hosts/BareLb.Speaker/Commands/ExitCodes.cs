namespace BareLb.Speaker.Commands;

/// <summary>Process exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Ran and stopped on a signal.</summary>
    public const int Success = 0;

    /// <summary>Could not start: the environment refused (interface, permissions, libraries).</summary>
    public const int StartFailed = 1;

    /// <summary>Bad command line.</summary>
    public const int Usage = 2;
}
