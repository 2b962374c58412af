using System.Diagnostics;

namespace BareLb.Membership.Tests.Support;

/// <summary>Runs a program and captures its output (as BareLb.Arp.Tests' Network/Shell).</summary>
internal static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in 30 s.");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    public static string Must(string file, params string[] arguments)
    {
        var result = Run(file, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {result.ExitCode}: {(result.Output + result.Error).Trim()}");
        }

        return result.Output;
    }
}
