using System.Diagnostics;
using BareLb.Kube.Configuration;
using BareLb.Kube.Testing;

namespace BareLb.Kube.Tests.Configuration;

/// <summary>The real kubectl applies the CRDs and then converted and hand-written objects to the emulator.</summary>
public sealed class KubectlApplyTests
{
    private const string Kubectl = "/usr/bin/kubectl";

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(KubeApiServer server, string? stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(server.KubeconfigPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var home = Path.GetDirectoryName(server.KubeconfigPath)!;
        start.Environment["KUBECACHEDIR"] = Path.Combine(home, "kubecache");
        start.Environment["HOME"] = home;
        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<string> SucceedAsync(KubeApiServer server, string? stdin, params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(server, stdin, args);
        Assert.True(exitCode == 0, $"kubectl {string.Join(' ', args)} exited {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        return stdout;
    }

    [Fact]
    public async Task TheCrds_ThenTheConvertedGuideAndEveryKind_AreAccepted_AndListed()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        var directory = Directory.CreateTempSubdirectory("barelb-crds-");
        try
        {
            foreach (var name in CrdManifests.Names)
            {
                await File.WriteAllTextAsync(Path.Combine(directory.FullName, name), CrdManifests.Read(name), TestContext.Current.CancellationToken);
            }

            var crds = await SucceedAsync(server, null, "apply", "-f", directory.FullName);
            Assert.Equal(8, crds.Split('\n').Count(l => l.StartsWith("customresourcedefinition.apiextensions.k8s.io/", StringComparison.Ordinal) && l.EndsWith(".metallb.io created", StringComparison.Ordinal)));

            var converted = ConfigurationFiles.Convert(new ConfigurationFile("metallb_config.yaml", Samples.GuideConfigMap)).Yaml!;
            var applied = await SucceedAsync(server, converted, "apply", "-f", "-");
            Assert.Equal("ipaddresspool.metallb.io/default created\nl2advertisement.metallb.io/default-l2 created\n", applied);

            var pools = await SucceedAsync(server, null, "get", "ipaddresspools", "-n", "metallb-system");
            var lines = pools.TrimEnd('\n').Split('\n');
            Assert.Matches(@"^NAME\s+AUTO ASSIGN\s+AVOID BUGGY IPS\s+ADDRESSES\s+AGE$", lines[0]);
            // The emulator applies no schema defaults, so AUTO ASSIGN and AVOID BUGGY IPS stay empty here.
            Assert.Matches(@"^default\s+\[""192\.168\.35\.100-192\.168\.35\.110""\]\s+\d+s$", lines[1]);

            var everything = ConfigurationFiles.Convert(new ConfigurationFile("all.yaml", Samples.EveryLegacyField)).Yaml!;
            var more = await SucceedAsync(server, everything, "apply", "-f", "-");
            Assert.Contains("bgppeer.metallb.io/peer1 created", more, StringComparison.Ordinal);
            Assert.Contains("community.metallb.io/bgp-communities created", more, StringComparison.Ordinal);

            var kinds = await SucceedAsync(server, Samples.EveryCrdKind, "apply", "-f", "-");
            Assert.Equal(10, kinds.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains("servicel2status.metallb.io/l2-web created", kinds, StringComparison.Ordinal);

            var names = await SucceedAsync(server, null, "get", "ipaddresspools", "-n", "metallb-system", "-o", "name");
            Assert.Equal(
                ["ipaddresspool.metallb.io/bgp-pool", "ipaddresspool.metallb.io/default", "ipaddresspool.metallb.io/first", "ipaddresspool.metallb.io/l2-pool", "ipaddresspool.metallb.io/plain-bgp", "ipaddresspool.metallb.io/second"],
                names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
