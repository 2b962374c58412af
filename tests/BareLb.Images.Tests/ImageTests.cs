using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BareLb.Hosts.Tests.Network;
using BareLb.Kube.Testing;

[assembly: AssemblyFixture(typeof(BareLb.Images.Tests.ImageBuild))]

namespace BareLb.Images.Tests;

/// <summary>
/// The controller and speaker images as <c>deploy/images/build</c> makes them: small, non-root, no shell, and each
/// entrypoint works from the image (help, a controller that leads and assigns against the emulator, a non-root
/// speaker that answers ARP in a network namespace through its file capability).
/// </summary>
public sealed partial class ImageTests(ImageBuild build)
{
    private const long MaxImageBytes = 100L * 1024 * 1024;

    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("controller")]
    [InlineData("speaker")]
    public void ImagesAreSmallNonRootAndHaveNoShell(string name)
    {
        build.Require();
        using var image = MountedImage.Mount(build.Image(name));
        var bytes = Directory.EnumerateFiles(image.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Sum(f => new FileInfo(f).Length);
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {bytes:N0} bytes uncompressed");
        Assert.InRange(bytes, 1, MaxImageBytes);
        Assert.Equal("65532:65532", image.Process().User);
        Assert.False(File.Exists(Path.Combine(image.Root, "bin/sh")), "the image has a shell");
        Assert.False(Directory.Exists(Path.Combine(image.Root, "usr/bin")), "the image has /usr/bin");
        Assert.Equal($"/app/barelb-{name}", Assert.Single(image.Process().Entrypoint));
    }

    [Fact]
    public void TheSpeakerBinaryCarriesOnlyTheRawSocketCapability()
    {
        build.Require();
        using var image = MountedImage.Mount(build.Image("speaker"));
        var caps = Shell.Must("getcap", Path.Combine(image.Root, "app/barelb-speaker"));
        Assert.Matches(@"cap_net_raw[=+]ep", caps);
        Assert.DoesNotContain("cap_sys_admin", caps, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("controller")]
    [InlineData("speaker")]
    public void EachEntrypointAnswersHelp(string name)
    {
        build.Require();
        var podman = Shell.Run("which", "podman").ExitCode == 0
            ? Shell.Run(TimeSpan.FromSeconds(60), "podman", "run", "--rm", "--network", "none", build.Image(name), "--help")
            : new Shell.Result(127, "", "podman is not installed");
        if (podman.ExitCode == 0)
        {
            Assert.Contains($"barelb-{name}", podman.All, StringComparison.Ordinal);
            return;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"podman refused here ({podman.All.Trim()}); running the image's entrypoint with chroot instead.");
        using var image = MountedImage.Mount(build.Image(name));
        var result = image.Run("--help");
        Assert.True(result.ExitCode == 0, $"--help exited {result.ExitCode}: {result.All}");
        Assert.Contains($"barelb-{name}", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheControllerImageLeadsAndAssignsTheGuidesPoolAgainstTheEmulator()
    {
        build.Require();
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"kubeflow"}}""");
        server.Seed("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"config","namespace":"metallb-system"},
             "data":{"config":"address-pools:\n- name: default\n  protocol: layer2\n  addresses:\n  - 192.168.35.100-192.168.35.110\n"}}
            """);
        server.Seed("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"minio-service","namespace":"kubeflow"},
             "spec":{"type":"LoadBalancer","loadBalancerIP":"192.168.35.101","ports":[{"port":9000}]}}
            """);

        using var image = MountedImage.Mount(build.Image("controller"));
        var kubeconfig = Path.Combine(image.Root, "tmp/kubeconfig");
        File.Copy(server.KubeconfigPath, kubeconfig);
        File.SetUnixFileMode(kubeconfig, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var port = FreePort();
        using var controller = image.Start(null, "--kubeconfig", "/tmp/kubeconfig", "--listen", $"127.0.0.1:{port}", "--identity", "image-test");
        var output = controller.StandardOutput.ReadToEndAsync(Ct);
        var log = controller.StandardError.ReadToEndAsync(Ct);
        string? ip;
        string? ready;
        string metrics = "";
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            ip = await Eventually(() =>
            {
                var service = server.Get("v1", "Service", "kubeflow", "minio-service");
                return Task.FromResult(service?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.GetValue<string>());
            });
            ready = await Eventually(async () =>
            {
                try
                {
                    return (await http.GetAsync("/readyz", Ct)).StatusCode == HttpStatusCode.OK ? "ready" : null;
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            });
            if (ready is not null)
            {
                metrics = await http.GetStringAsync("/metrics", Ct);
            }
        }
        finally
        {
            Shell.Signal(controller.Id, 15);
            if (!controller.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                controller.Kill(entireProcessTree: true);
            }
        }

        var said = await output + await log;
        Assert.True(ip == "192.168.35.101", $"the Service got {ip ?? "no address"}; the controller said:\n{said}");
        Assert.True(ready == "ready", $"/readyz never answered 200; the controller said:\n{said}");
        Assert.Contains("metallb_allocator_addresses_in_use_total", metrics, StringComparison.Ordinal);
        Assert.True(controller.ExitCode == 0, $"the controller exited {controller.ExitCode}: {said}");
    }

    [Fact]
    public void TheSpeakerImageAnswersARPAsANonRootUser()
    {
        build.Require();
        Assert.SkipUnless(Shell.Run("which", "arping").ExitCode == 0, "arping is not installed (apt-get install -y arping).");
        var node = Namespaces.Create("img-node");
        var client = Namespaces.Create("img-client");
        try
        {
            var peer = $"vimg{Random.Shared.Next(0x10000):x4}";
            Shell.Must("ip", "link", "add", "vn", "netns", node, "type", "veth", "peer", "name", peer);
            Shell.Must("ip", "link", "set", peer, "netns", client);
            Namespaces.Exec(client, "ip", "link", "set", peer, "name", "vc");
            Namespaces.Exec(node, "ip", "addr", "add", "198.18.40.1/24", "dev", "vn");
            Namespaces.Exec(client, "ip", "addr", "add", "198.18.40.2/24", "dev", "vc");
            Namespaces.Exec(node, "ip", "link", "set", "vn", "up");
            Namespaces.Exec(client, "ip", "link", "set", "vc", "up");
            var mac = File.Exists($"/sys/class/net/vn/address") ? "" : Namespaces.Exec(node, "cat", "/sys/class/net/vn/address").Trim();

            using var image = MountedImage.Mount(build.Image("speaker"));
            using var speaker = image.Start(node, "standalone", "--interface", "vn", "--address", "198.18.40.100");
            try
            {
                var answered = Enumerable.Range(0, 50)
                    .Select(_ => Namespaces.TryExec(client, "arping", "-c", "1", "-w", "1", "-i", "vc", "198.18.40.100").Output)
                    .FirstOrDefault(o => ArpingReply().IsMatch(o));
                Assert.True(answered is not null, "no ARP reply from the speaker running from the image as user 65532");
                Assert.Equal(mac, ArpingReply().Match(answered).Groups[1].Value);
                var status = File.ReadAllText($"/proc/{speaker.Id}/status");
                Assert.Matches(@"Uid:\s+65532\s", status);
            }
            finally
            {
                Shell.Signal(speaker.Id, 15);
                if (!speaker.WaitForExit(TimeSpan.FromSeconds(15)))
                {
                    speaker.Kill(entireProcessTree: true);
                }
            }

            Assert.Equal(0, speaker.ExitCode);
        }
        finally
        {
            Namespaces.Delete(client);
            Namespaces.Delete(node);
        }
    }

    private static async Task<T?> Eventually<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                return null;
            }

            await Task.Delay(50, Ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"bytes from ([0-9a-f:]{17}) ")]
    private static partial Regex ArpingReply();
}
