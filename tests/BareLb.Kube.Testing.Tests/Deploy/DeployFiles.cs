namespace BareLb.Kube.Testing.Tests.Deploy;

/// <summary>The repository's deploy/ folder and the processes the deployment tests run (kubectl, promtool, render.sh).</summary>
internal static class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string Deploy => Path.Combine(Root, "deploy");

    public static string PromtoolPath => "/usr/bin/promtool";

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, string workingDirectory, params string[] args)
    {
        var run = await ProcessRunner.RunAsync(file, args, environment: new Dictionary<string, string> { ["HOME"] = Path.GetTempPath() }, timeout: TimeSpan.FromSeconds(120), workingDirectory: workingDirectory);
        return (run.ExitCode, run.Stdout + run.Stderr);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BareLb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no BareLb.sln above {AppContext.BaseDirectory}");
    }
}
