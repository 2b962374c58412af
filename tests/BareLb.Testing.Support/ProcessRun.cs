namespace BareLb.Testing.Support;

/// <summary>A finished run of a real process: its exit code and output.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
public sealed record ProcessRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Fails the test unless the run exited 0, showing its output; returns the run.</summary>
    public ProcessRun Succeeded(string? what = null)
    {
        Assert.True(ExitCode == 0, $"{what ?? "the process"} exited {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }
}
