namespace BareLb.Kube.Tests.Configuration;

/// <summary>Runs the built <c>barelb</c> tool as a real process and collects its exit code and output.</summary>
internal sealed record ToolRun(int ExitCode, string Stdout, string Stderr)
{
    public static async Task<ToolRun> RunAsync(string? stdin, params string[] args)
    {
        var run = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "barelb.dll"), .. args], stdin, timeout: TimeSpan.FromSeconds(30));
        return new ToolRun(run.ExitCode, run.Stdout, run.Stderr);
    }
}
