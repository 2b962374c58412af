namespace BareLb.Lab.Commands;

/// <summary>The exit code and output of a program that ran to completion.</summary>
/// <param name="ExitCode">The program's exit code.</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error.</param>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>Whether the program exited 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Standard output followed by standard error.</summary>
    public string All => Output + Error;
}
