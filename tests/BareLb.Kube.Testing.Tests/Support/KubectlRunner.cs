namespace BareLb.Kube.Testing.Tests.Support;

/// <summary>The real kubectl against a server (its kubeconfig), through the shared <see cref="BareLb.Testing.Support.Kubectl"/> wrapper.</summary>
internal static class KubectlRunner
{
    public const string Path = BareLb.Testing.Support.Kubectl.Path;

    public static Task<ProcessRun> RunAsync(KubeApiServer server, string[] args, string? stdin = null, IDictionary<string, string>? environment = null) =>
        BareLb.Testing.Support.Kubectl.RunAsync(server.KubeconfigPath, args, stdin, environment is null ? null : new Dictionary<string, string>(environment));

    public static Task<ProcessRun> RunAsync(KubeApiServer server, params string[] args) => RunAsync(server, args, null, null);
}
