namespace BareLb.Kube.Testing.Tests.Deploy;

/// <summary>The repository's deploy/ folder and the processes the deployment tests run (kubectl, promtool, render.sh).</summary>
internal static class DeployFiles
{
    public static string Root => Repository.Root;

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string PromtoolPath => "/usr/bin/promtool";

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var run = await ProcessRunner.RunAsync(file, args, environment: new Dictionary<string, string> { ["HOME"] = Path.GetTempPath() }, timeout: TimeSpan.FromSeconds(120), workingDirectory: workingDirectory);
        return (run.ExitCode, run.Stdout + run.Stderr);
    }
}
