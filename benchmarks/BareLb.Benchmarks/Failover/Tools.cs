namespace BareLb.Benchmarks.Failover;

/// <summary>Finds the programs the harness runs: the speaker and the tool built from this checkout (the Go agent comes from the lab library's GoMemberlistAgent).</summary>
internal static class Tools
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string SpeakerPath => Path.Combine(RepositoryRoot, "src", "BareLb.Hosts", "BareLb.Speaker", "bin", "Release", "net10.0", "barelb-speaker");

    /// <summary>BareLb's tool (<c>barelb</c>, which runs the API emulator), built from this checkout.</summary>
    public static string ToolPath => Path.Combine(RepositoryRoot, "src", "BareLb.Hosts", "BareLb.Tool", "bin", "Release", "net10.0", "barelb");

    /// <summary>The manifest whose CRDs the Kubernetes speaker's cluster is seeded with.</summary>
    public static string CrdManifestPath => Path.Combine(RepositoryRoot, "deploy", "barelb.yaml");

    /// <summary>Null when the Kubernetes speaker's cluster can run (the tool built, the manifest there, kubectl installed), else why not.</summary>
    public static string? KubeSpeakerProblem(string speaker)
    {
        if (!File.Exists(speaker))
        {
            return $"{speaker} is missing: dotnet build src/BareLb.Hosts/BareLb.Speaker -c Release";
        }

        if (!File.Exists(ToolPath))
        {
            return $"{ToolPath} is missing: dotnet build src/BareLb.Hosts/BareLb.Tool -c Release";
        }

        if (!File.Exists(CrdManifestPath))
        {
            return $"{CrdManifestPath} is missing";
        }

        return BareLb.Lab.Commands.Command.Run("kubectl", "version", "--client").ExitCode == 0 ? null : "kubectl is missing (it seeds the API emulator)";
    }

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
