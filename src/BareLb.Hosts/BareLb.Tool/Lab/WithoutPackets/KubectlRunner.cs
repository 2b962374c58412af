using System.Diagnostics;

namespace BareLb.Tool.Lab.WithoutPackets;

/// <summary>Runs the real kubectl when it is installed and shows its output as the guide does; otherwise does the same through the API.</summary>
internal sealed class KubectlRunner(string kubeconfig, TextWriter output, TextWriter error)
{
    public bool Available { get; } = File.Exists("/usr/bin/kubectl") || File.Exists("/usr/local/bin/kubectl");

    public async Task ShowAsync(string[] args, string shown, Func<Task<string>> fallbackOutput, Func<Task>? fallbackAction = null)
    {
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"$ {shown}").ConfigureAwait(false);
        if (!Available)
        {
            if (fallbackAction is not null)
            {
                await fallbackAction().ConfigureAwait(false);
            }

            await output.WriteLineAsync(await fallbackOutput().ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }

        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var standardError = process.StandardError.ReadToEndAsync();
        var text = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        await output.WriteAsync(text).ConfigureAwait(false);
        await error.WriteAsync(await standardError.ConfigureAwait(false)).ConfigureAwait(false);
    }
}
