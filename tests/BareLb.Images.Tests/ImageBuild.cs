using System.Globalization;
using BareLb.Hosts.Tests.Network;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace BareLb.Images.Tests;

/// <summary>
/// Builds both images once for the test run with <c>deploy/images/build</c> (the README's command), under a tag of
/// this run's own, and removes them afterwards. Each test then works on a container made from an image: run with
/// podman where this machine allows it, else from the mounted root file system with chroot (this workplace's
/// sandbox refuses crun's setrlimit and its cgroups, so there it is chroot, and the tests say so).
/// </summary>
public sealed class ImageBuild : IDisposable
{
    private readonly Lazy<string?> _failure;

    public ImageBuild()
    {
        Tag = string.Create(CultureInfo.InvariantCulture, $"test-{Environment.ProcessId}");
        _failure = new Lazy<string?>(Build);
    }

    public string Tag { get; }

    public static string RepositoryRoot { get; } = FindRoot();

    public string BuildOutput { get; private set; } = "";

    /// <summary>Skips the test unless root, buildah and setcap are here; builds the images on first use.</summary>
    public void Require()
    {
        Assert.SkipUnless(Environment.IsPrivilegedProcess, "Building and running images needs root (buildah's storage, chroot, network namespaces); CI runs as root.");
        Assert.SkipUnless(Shell.Run("which", "buildah").ExitCode == 0, "buildah is not installed (apt-get install -y buildah).");
        Assert.SkipUnless(Shell.Run("which", "setcap").ExitCode == 0, "setcap is not installed (apt-get install -y libcap2-bin).");
        if (_failure.Value is { } failure)
        {
            Assert.Fail(failure);
        }
    }

    public string Image(string name) => $"localhost/barelb/{name}:{Tag}";

    private string? Build()
    {
        var result = Shell.Run(TimeSpan.FromMinutes(15), Path.Combine(RepositoryRoot, "deploy/images/build"), "--tag", Tag);
        BuildOutput = result.All;
        return result.ExitCode == 0 ? null : $"deploy/images/build exited {result.ExitCode}:\n{result.All}";
    }

    public void Dispose()
    {
        if (_failure.IsValueCreated)
        {
            Shell.Run("buildah", "rmi", "--force", Image("controller"), Image("speaker"));
        }
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

        throw new InvalidOperationException("BareLb.sln not found above " + AppContext.BaseDirectory);
    }
}
