using BareLb.Kube.Configuration;
using BareLb.Kube.Testing;

namespace BareLb.Kube.Tests.Configuration;

/// <summary>The real kubectl applies the CRDs and then converted and hand-written objects to the emulator.</summary>
public sealed class KubectlApplyTests
{
    private static Task<string> SucceedAsync(KubeApiServer server, string? stdin, params string[] args) => Kubectl.SucceedWithInputAsync(server.KubeconfigPath, stdin, args);

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
            Assert.Matches(@"^NAME\s+AUTO ASSIGN\s+AVOID BUGGY IPS\s+ADDRESSES\s+ACCEPTED\s+ADVERTISED\s+AGE$", lines[0]);
            // The emulator applies no schema defaults, so AUTO ASSIGN and AVOID BUGGY IPS stay empty here, and no
            // controller runs, so neither are there conditions.
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
