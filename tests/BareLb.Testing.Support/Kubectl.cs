namespace BareLb.Testing.Support;

/// <summary>
/// Runs the real <c>kubectl</c> against a kubeconfig, with its discovery cache and home beside the kubeconfig so that
/// runs against different servers never share one, through <see cref="ProcessRunner"/> (killed on timeout).
/// </summary>
public static class Kubectl
{
    /// <summary>Where kubectl is looked for.</summary>
    public const string Path = "/usr/bin/kubectl";

    /// <summary>Whether kubectl is installed.</summary>
    public static bool IsInstalled => File.Exists(Path);

    /// <summary>Runs kubectl with <paramref name="args"/>, feeding <paramref name="stdin"/> when given, with extra <paramref name="environment"/>.</summary>
    public static Task<ProcessRun> RunAsync(string kubeconfig, IEnumerable<string> args, string? stdin = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        ArgumentNullException.ThrowIfNull(args);
        var home = System.IO.Path.GetDirectoryName(kubeconfig)!;
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["KUBECACHEDIR"] = System.IO.Path.Combine(home, "kubecache"), ["HOME"] = home };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        return ProcessRunner.RunAsync(Path, ["--kubeconfig", kubeconfig, .. args], stdin, env);
    }

    /// <summary>Runs kubectl with standard input, fails the test unless it exits 0, and returns its output.</summary>
    public static async Task<string> SucceedWithInputAsync(string kubeconfig, string? stdin, params string[] args)
    {
        var run = await RunAsync(kubeconfig, args, stdin).ConfigureAwait(false);
        return run.Succeeded($"kubectl {string.Join(' ', args)}").Stdout;
    }

    /// <summary>Runs kubectl, fails the test unless it exits 0, and returns its output.</summary>
    public static Task<string> SucceedAsync(string kubeconfig, params string[] args) => SucceedWithInputAsync(kubeconfig, null, args);
}
