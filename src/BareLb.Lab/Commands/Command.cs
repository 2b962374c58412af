using System.Diagnostics;

namespace BareLb.Lab.Commands;

/// <summary>Runs programs (ip, tc, nft, sysctl) to completion and captures their output.</summary>
public static class Command
{
    /// <summary>How long <see cref="Run(string, string[])"/> waits before killing the program.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs a program and returns its exit code and output, whatever the exit code.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments, passed as they are (no shell).</param>
    public static CommandResult Run(string file, params string[] arguments) => Run(DefaultTimeout, file, arguments);

    /// <summary>Runs a program with a time limit; kills it and throws <see cref="TimeoutException"/> past the limit.</summary>
    /// <param name="timeout">The time limit.</param>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    public static CommandResult Run(TimeSpan timeout, string file, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        using var process = Process.Start(StartInfo(file, arguments)) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(file, arguments)} did not finish in {timeout.TotalSeconds:0.#} s.");
        }

        process.WaitForExit();
        return new CommandResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs a program and throws <see cref="LabException"/> with its output if it fails.</summary>
    /// <param name="file">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <returns>Its standard output.</returns>
    public static string Must(string file, params string[] arguments)
    {
        var result = Run(file, arguments);
        return result.Succeeded
            ? result.Output
            : throw new LabException($"{Describe(file, arguments)} exited {result.ExitCode}: {result.All.Trim()}");
    }

    /// <summary>Whether a program is on the PATH (or is an existing absolute path).</summary>
    /// <param name="file">The program's name.</param>
    public static bool Exists(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(file);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        return path.Split(':').Append("/usr/sbin").Append("/sbin").Any(d => File.Exists(Path.Combine(d, file)));
    }

    internal static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
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

        return info;
    }

    internal static string Describe(string file, IEnumerable<string> arguments) => string.Join(' ', arguments.Prepend(file));
}
