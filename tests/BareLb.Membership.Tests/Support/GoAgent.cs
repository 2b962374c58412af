using System.Diagnostics;
using BareLb.Lab.GoMemberlist;

namespace BareLb.Membership.Tests.Support;

/// <summary>
/// The Go memberlist agent for these tests, built by the lab library's <see cref="GoMemberlistAgent"/> (the one
/// builder tests and benchmarks share). Tests call <see cref="RequirePath"/>, which skips them with the reason when
/// go or the package is missing.
/// </summary>
internal static class GoAgent
{
    /// <summary>The agent's executable, or skips the test.</summary>
    public static string RequirePath()
    {
        var (path, problem) = GoMemberlistAgent.Find();
        Assert.SkipWhen(path is null, problem ?? "The Go agent did not build.");
        return path!;
    }

    /// <summary>Runs the agent with arguments to completion and returns its standard output.</summary>
    public static string Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(RequirePath()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"agent {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }
}
