using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace BareLb.Lab.GoMemberlist;

/// <summary>
/// The Go memberlist agent (<c>agent.go</c> and <c>vectors.go</c> beside this file, copied to <c>GoAgent/</c> in the
/// output): a hashicorp/memberlist member configured as MetalLB's speaker configures it, built with Debian's
/// <c>golang-github-hashicorp-memberlist-dev</c> (<c>GOPATH=/usr/share/gocode GO111MODULE=off</c>, nothing
/// downloaded) once per process, cached in the temp directory under the hash of its sources. Tests, benchmarks and
/// the lab share this one builder.
/// </summary>
public static class GoMemberlistAgent
{
    /// <summary>Where Debian installs Go sources.</summary>
    public const string GoPath = "/usr/share/gocode";

    private const string MemberlistSource = GoPath + "/src/github.com/hashicorp/memberlist";

    private static readonly Lazy<(string? Path, string? Problem)> Built = new(() => Build(SourceDirectory));

    /// <summary>The directory of the agent's Go sources in the output (<c>GoAgent</c> beside the application).</summary>
    public static string SourceDirectory => Path.Combine(AppContext.BaseDirectory, "GoAgent");

    /// <summary>
    /// The agent's executable, built on first use; or null and why not (go or the memberlist package missing, the
    /// build failed), so that a test can skip and a benchmark can say so.
    /// </summary>
    public static (string? Path, string? Problem) Find() => Built.Value;

    /// <summary>Builds the agent from the Go sources in <paramref name="sourceDirectory"/> (cached by their hash).</summary>
    /// <param name="sourceDirectory">A directory holding the agent's <c>*.go</c> files.</param>
    /// <returns>The executable, or null and why not.</returns>
    public static (string? Path, string? Problem) Build(string sourceDirectory)
    {
        ArgumentNullException.ThrowIfNull(sourceDirectory);
        var go = FindGo();
        if (go is null)
        {
            return (null, "go is not installed (Debian package golang-go); the Go memberlist agent cannot be built.");
        }

        if (!Directory.Exists(MemberlistSource))
        {
            return (null, $"{MemberlistSource} is missing (Debian package golang-github-hashicorp-memberlist-dev).");
        }

        var sources = Directory.Exists(sourceDirectory) ? Directory.GetFiles(sourceDirectory, "*.go").Order(StringComparer.Ordinal).ToArray() : [];
        if (sources.Length == 0)
        {
            return (null, $"{sourceDirectory} holds no Go sources of the agent.");
        }

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
        info.Environment["GOPATH"] = GoPath;
        info.Environment["GO111MODULE"] = "off";
        info.Environment["GOFLAGS"] = string.Empty;
        info.Environment["GOPROXY"] = "off";
        info.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "barelb-gocache");
        using var process = Process.Start(info) ?? throw new LabException($"Cannot start {go}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return (null, $"go build of the Go memberlist agent failed ({process.ExitCode}): {output.Result}{error.Result}");
        }

        try
        {
            Directory.Move(work, directory);
        }
        catch (IOException) when (File.Exists(agent))
        {
            // Another process built it first.
            Directory.Delete(work, recursive: true);
        }

        return (agent, null);
    }

    private static string? FindGo()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/lib/go/bin").Append("/usr/local/go/bin")
            .Select(static d => Path.Combine(d, "go")).FirstOrDefault(File.Exists);
    }
}
