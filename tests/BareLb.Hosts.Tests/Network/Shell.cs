using System.Diagnostics;

namespace BareLb.Hosts.Tests.Network;

/// <summary>Runs a program and captures its output.</summary>
internal static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static Result Run(string file, params string[] arguments) => Run(TimeSpan.FromSeconds(30), file, arguments);

    public static Result Run(TimeSpan timeout, string file, params string[] arguments)
    {
        using var process = Start(file, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {timeout}.");
        }

        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs and fails the test if the program fails.</summary>
    public static string Must(string file, params string[] arguments)
    {
        var result = Run(file, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.All.Trim()}");
        }

        return result.Output;
    }

    public static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
    }

    /// <summary>Sends a signal to a process (SIGINT 2, SIGTERM 15).</summary>
    public static void Signal(int pid, int signal) => Must("kill", "-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
