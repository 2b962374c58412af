using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BareLb.Testing.Support;

/// <summary>
/// Runs a program to completion for a test. The child is started in a process group of its own (through
/// <c>setsid</c>), so that on timeout, or when the test is cancelled, the whole group is killed (the child and
/// anything it started) and the test fails saying so instead of leaving processes behind.
/// </summary>
public static partial class ProcessRunner
{
    /// <summary>The default limit before patience: 60 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private const int SigKill = 9;

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="args"/>, feeding <paramref name="stdin"/> when given and
    /// adding <paramref name="environment"/>, in <paramref name="workingDirectory"/> when given; fails the test after
    /// <paramref name="timeout"/> (scaled by <see cref="Eventually.Patience"/>, 60 s by default), having killed the
    /// process group.
    /// </summary>
    public static async Task<ProcessRun> RunAsync(string fileName, IEnumerable<string> args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(args);
        var useSetsid = File.Exists("/usr/bin/setsid");
        var start = new ProcessStartInfo(useSetsid ? "/usr/bin/setsid" : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        if (useSetsid)
        {
            start.ArgumentList.Add(fileName); // setsid execs it in place: same pid, now leading its own group
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var limit = Eventually.Scaled(timeout ?? DefaultTimeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(limit);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin.AsMemory(), cancel.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process, useSetsid);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
            Assert.Fail($"{fileName} {string.Join(' ', args)} did not exit within {limit.TotalSeconds:0.#} s and was killed with its process group\nstdout:\n{await stdout.ConfigureAwait(false)}\nstderr:\n{await stderr.ConfigureAwait(false)}");
        }

        return new ProcessRun(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Kills a process started by <see cref="RunAsync"/>: its whole process group when it leads one, else its process tree.</summary>
    private static void Kill(Process process, bool leadsGroup)
    {
        if (leadsGroup && !process.HasExited)
        {
            _ = KillProcessGroup(-process.Id, SigKill);
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillProcessGroup(int pid, int signal);
}
