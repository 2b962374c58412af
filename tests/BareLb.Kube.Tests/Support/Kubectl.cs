namespace BareLb.Kube.Tests;

/// <summary>Runs the real kubectl against a kubeconfig, with its cache beside the kubeconfig so that runs never share one.</summary>
internal static class Kubectl
{
    public static Task<ProcessRun> RunWithInputAsync(string kubeconfig, string? stdin, params string[] args)
    {
        var home = Path.GetDirectoryName(kubeconfig)!;
        return ProcessRun.RunAsync(
            "kubectl",
            ["--kubeconfig", kubeconfig, .. args],
            stdin,
            new Dictionary<string, string> { ["KUBECACHEDIR"] = Path.Combine(home, "kubecache"), ["HOME"] = home });
    }

    /// <summary>Runs kubectl, fails the test unless it exits 0, and returns its output.</summary>
    public static async Task<string> SucceedWithInputAsync(string kubeconfig, string? stdin, params string[] args)
    {
        var run = await RunWithInputAsync(kubeconfig, stdin, args);
        Assert.True(run.ExitCode == 0, $"kubectl {string.Join(' ', args)} exited {run.ExitCode}\nstdout:\n{run.Stdout}\nstderr:\n{run.Stderr}");
        return run.Stdout;
    }

    /// <summary>As <see cref="SucceedWithInputAsync"/>, with no standard input.</summary>
    public static Task<string> SucceedAsync(string kubeconfig, params string[] args) => SucceedWithInputAsync(kubeconfig, null, args);
}
