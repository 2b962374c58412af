using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace BareLb.Membership.Tests.Support;

/// <summary>
/// Builds the Go agent (GoAgent/*.go, against Debian's golang-github-hashicorp-memberlist-dev with
/// GOPATH=/usr/share/gocode GO111MODULE=off, nothing downloaded) once per test run, cached in the
/// temp directory under the hash of its sources. Tests call <see cref="RequirePath"/>, which skips
/// them with the reason when go or the package is missing.
/// </summary>
internal static class GoAgent
{
    public const string GoPath = "/usr/share/gocode";
    private const string MemberlistSource = GoPath + "/src/github.com/hashicorp/memberlist";

    private static readonly Lazy<(string? Path, string? Problem)> Built = new(Build);

    /// <summary>The agent's executable, or skips the test.</summary>
    public static string RequirePath()
    {
        var (path, problem) = Built.Value;
        Assert.SkipWhen(path is null, problem ?? "The Go agent did not build.");
        return path!;
    }

    /// <summary>Runs the agent with arguments to completion and returns its standard output.</summary>
    public static string Run(params string[] arguments)
    {
        var info = new ProcessStartInfo(RequirePath()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"agent {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
        return output.Result;
    }

    private static string? FindGo()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/lib/go/bin"))
        {
            var candidate = Path.Combine(directory, "go");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static (string? Path, string? Problem) Build()
    {
        var go = FindGo();
        if (go is null)
        {
            return (null, "go is not installed (Debian package golang-go); the Go memberlist agent cannot be built.");
        }

        if (!Directory.Exists(MemberlistSource))
        {
            return (null, $"{MemberlistSource} is missing (Debian package golang-github-hashicorp-memberlist-dev).");
        }

        var sourceDirectory = Path.Combine(AppContext.BaseDirectory, "GoAgent");
        var sources = Directory.GetFiles(sourceDirectory, "*.go").Order(StringComparer.Ordinal).ToArray();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var source in sources)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(source)));
            hash.AppendData(File.ReadAllBytes(source));
        }

        var key = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
        var directory = Path.Combine(Path.GetTempPath(), "barelb-goagent-" + key);
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

        var info = new ProcessStartInfo(go) { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "build", "-o", "agent", "." })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GOPATH"] = GoPath;
        info.Environment["GO111MODULE"] = "off";
        info.Environment["GOFLAGS"] = string.Empty;
        info.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "barelb-gocache");
        info.Environment["GOPROXY"] = "off";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            return (null, $"go build of the agent failed ({process.ExitCode}): {output.Result}{error.Result}");
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
}
