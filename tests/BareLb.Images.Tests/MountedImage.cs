using System.Diagnostics;
using BareLb.Hosts.Tests.Network;

namespace BareLb.Images.Tests;

/// <summary>A working container made from an image, with its root file system mounted, removed on dispose.</summary>
internal sealed class MountedImage : IDisposable
{
    private MountedImage(string container, string root)
    {
        Container = container;
        Root = root;
    }

    public string Container { get; }

    private static string ChrootPath { get; } = File.Exists("/usr/sbin/chroot") ? "/usr/sbin/chroot" : "/sbin/chroot";

    /// <summary>The mounted root file system.</summary>
    public string Root { get; }

    public static MountedImage Mount(string image)
    {
        var container = Shell.Must("buildah", "from", "--pull-never", image).Trim();
        var root = Shell.Must("buildah", "mount", container).Trim();

        // The device nodes every OCI runtime creates in a container's /dev (the .NET runtime reads /dev/urandom).
        foreach (var (name, minor) in (ReadOnlySpan<(string, string)>)[("null", "3"), ("zero", "5"), ("full", "7"), ("random", "8"), ("urandom", "9")])
        {
            Shell.Must("mknod", "-m", "666", Path.Combine(root, "dev", name), "c", "1", minor);
        }

        return new MountedImage(container, root);
    }

    /// <summary>The image's configuration field, as buildah's Go template prints it.</summary>
    public string Config(string template) => Shell.Must("buildah", "inspect", "--format", template, Container).Trim();

    /// <summary>The entrypoint and user of the image.</summary>
    public (string[] Entrypoint, string User) Process()
    {
        var entrypoint = Config("{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (entrypoint, Config("{{.OCIv1.Config.User}}"));
    }

    /// <summary>
    /// Starts the image's entrypoint as the image's user, inside the mounted root (chroot), optionally inside a
    /// network namespace, with the image's environment.
    /// </summary>
    public Process Start(string? netns, params string[] arguments)
    {
        var (entrypoint, user) = Process();
        var environment = Config("{{range .OCIv1.Config.Env}}{{.}} {{end}}").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // A mount namespace of its own with a fresh /proc inside the root, as a container runtime gives (the .NET
        // runtime reads /proc at start); exec all the way down, so the process's id is the one returned.
        string[] command = ["unshare", "--mount-proc=" + Path.Combine(Root, "proc"), "env", "-i", .. environment, ChrootPath, "--userspec=" + user, Root, .. entrypoint, .. arguments];
        return netns is null
            ? Shell.Start(command[0], command[1..])
            : Shell.Start("ip", ["netns", "exec", netns, .. command]);
    }

    /// <summary>Runs the entrypoint to its end (chroot as the image's user) and returns what it printed.</summary>
    public Shell.Result Run(params string[] arguments)
    {
        using var process = Start(null, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', arguments)} did not finish in 60 s.");
        }

        return new Shell.Result(process.ExitCode, output.Result, error.Result);
    }

    public void Dispose()
    {
        Shell.Run("buildah", "umount", Container);
        Shell.Run("buildah", "rm", Container);
    }
}
