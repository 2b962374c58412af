using System.Diagnostics;

namespace BareLb.Kube.Testing.Tests.Support;

/// <summary>Runs the real kubectl against a server, with its kubeconfig, optional stdin and environment.</summary>
internal static class KubectlRunner
{
    public const string Path = "/usr/bin/kubectl";

    public static async Task<KubectlResult> RunAsync(KubeApiServer server, string[] args, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(server.KubeconfigPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Keep kubectl's discovery cache out of the user's home and apart between servers.
        start.Environment["KUBECACHEDIR"] = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(server.KubeconfigPath)!, "kubecache");
        start.Environment["HOME"] = System.IO.Path.GetDirectoryName(server.KubeconfigPath)!;
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<KubectlResult> RunAsync(KubeApiServer server, params string[] args) => RunAsync(server, args, null, null);
}

internal sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"kubectl exited {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        return this;
    }
}
