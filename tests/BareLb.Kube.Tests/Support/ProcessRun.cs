using System.Diagnostics;

namespace BareLb.Kube.Tests;

/// <summary>A finished run of a real process: its exit code and output.</summary>
internal sealed record ProcessRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Runs a program to completion, feeding <paramref name="stdin"/> when given; the test fails on the timeout.</summary>
    public static async Task<ProcessRun> RunAsync(string fileName, IEnumerable<string> args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), limit.Token);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        return new ProcessRun(process.ExitCode, await stdout, await stderr);
    }
}
