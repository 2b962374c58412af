using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace BareLb.Benchmarks.Failover;

/// <summary>Finds the programs the harness runs: the speaker built from this checkout, keepalived, and the Go agent (built here).</summary>
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

    /// <summary>Builds tests/BareLb.Membership.Tests/GoAgent with Debian's memberlist (nothing downloaded); cached by source hash.</summary>
    public static (string? Path, string? Problem) BuildGoAgent()
    {
        var go = new[] { "/usr/bin/go", "/usr/lib/go/bin/go", "/usr/local/go/bin/go" }.FirstOrDefault(File.Exists);
        if (go is null)
        {
            return (null, "go is not installed (golang-go)");
        }

        const string goPath = "/usr/share/gocode";
        if (!Directory.Exists(Path.Combine(goPath, "src/github.com/hashicorp/memberlist")))
        {
            return (null, "golang-github-hashicorp-memberlist-dev is not installed");
        }

        var sources = Directory.GetFiles(Path.Combine(RepositoryRoot, "tests", "BareLb.Membership.Tests", "GoAgent"), "*.go").Order(StringComparer.Ordinal).ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var source in sources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(source)));
            hash.AppendData(File.ReadAllBytes(source));
        }

        var directory = Path.Combine(Path.GetTempPath(), "barelb-goagent-" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16]);
        var agent = Path.Combine(directory, "agent");
        if (File.Exists(agent))
        {
            return (agent, null);
        }

        var work = directory + "." + Environment.ProcessId + ".tmp";
        Directory.CreateDirectory(work);
        foreach (var source in sources)
        {
            File.Copy(source, Path.Combine(work, Path.GetFileName(source)), overwrite: true);
        }

        var info = new ProcessStartInfo(go, ["build", "-o", "agent", "."]) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["GOPATH"] = goPath;
        info.Environment["GO111MODULE"] = "off";
        info.Environment["GOFLAGS"] = string.Empty;
        info.Environment["GOPROXY"] = "off";
        info.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "barelb-gocache");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return (null, $"go build failed: {output.Result}{error.Result}");
        }

        try
        {
            Directory.Move(work, directory);
        }
        catch (IOException) when (File.Exists(agent))
        {
            Directory.Delete(work, recursive: true);
        }

        return (agent, null);
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
