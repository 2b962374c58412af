namespace BareLb.Benchmarks.Failover;

/// <summary>Finds the programs the harness runs: the speaker built from this checkout (the Go agent comes from the lab library's GoMemberlistAgent).</summary>
internal static class Tools
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SpeakerPath => Path.Combine(RepositoryRoot, "src", "BareLb.Hosts", "BareLb.Speaker", "bin", "Release", "net10.0", "barelb-speaker");

    /// <summary>Null when the speaker is built and supports <c>standalone --join</c>, else why not.</summary>
    public static string? SpeakerProblem(string path)
    {
        if (!File.Exists(path))
        {
            return $"{path} is missing: dotnet build src/BareLb.Hosts/BareLb.Speaker -c Release";
        }

        var help = BareLb.Lab.Commands.Command.Run(path, "standalone", "--help");
        return help.All.Contains("--join", StringComparison.Ordinal) ? null : $"{path} has no 'standalone --join' (membership): build it from a checkout that has it.";
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BareLb.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
