using BareLb.Core.Addresses;
using BareLb.Kube.Configuration;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Configuration;

public sealed class LegacyConfigMapTests
{
    [Fact]
    public void TheGuidesConfigMap_IsOnePoolDefault_WithElevenAddresses_AnnouncedInLayer2()
    {
        var check = Checking.Check(Samples.GuideConfigMap);

        check.AssertClean();
        var configuration = Assert.Single(check.Configurations);
        Assert.True(configuration.IsValid);
        Assert.Equal(ConfigurationForm.ConfigMap, configuration.Form);
        var spec = Assert.Single(configuration.PoolSpecs);
        Assert.Equal("default", spec.Name);
        Assert.Equal(["192.168.35.100-192.168.35.110"], spec.Addresses);
        Assert.True(spec.AutoAssign);
        Assert.Equal(new BareLb.Core.Pools.ConfigurationSource("ConfigMap", "metallb-system/config", "address-pools[0]"), spec.Source);
        var pool = Assert.Single(configuration.Pools!.Pools);
        Assert.NotNull(configuration.Pools.PoolContaining(IPAddr.Parse("192.168.35.110")));
        Assert.Null(configuration.Pools.PoolContaining(IPAddr.Parse("192.168.35.111")));
        Assert.Equal("default", pool.Name);
        var l2 = Assert.Single(configuration.L2Advertisements);
        Assert.Equal(["default"], l2.Pools);
        Assert.Empty(configuration.BgpAdvertisements);
        Assert.Equal("test.yaml: 1 legacy ConfigMap (1 pool)", Assert.Single(check.Summaries));
    }

    [Fact]
    public void TheGuidesConfigMap_ReadFromTheApi_GivesTheSamePool()
    {
        var configMap = KubeYaml.Deserialize<V1ConfigMap>(Samples.GuideConfigMap);

        var configuration = MetalLbConfigurationReader.FromConfigMap(configMap);

        Assert.True(configuration.IsValid, string.Join('\n', configuration.Problems));
        Assert.Equal("default", Assert.Single(configuration.Pools!.Pools).Name);
    }

    [Fact]
    public void EveryLegacyField_IsReadAndTranslated()
    {
        var check = Checking.Check(Samples.EveryLegacyField);

        check.AssertClean();
        var configuration = Assert.Single(check.Configurations);
        Assert.Equal(["l2-pool", "bgp-pool", "plain-bgp"], configuration.PoolSpecs.Select(p => p.Name));
        var l2Pool = configuration.PoolSpecs[0];
        Assert.False(l2Pool.AutoAssign);
        Assert.True(l2Pool.AvoidBuggyIPs);
        Assert.Equal(["198.18.0.0/28", "198.18.1.1/32"], l2Pool.Addresses);

        // protocol "l2" is layer 2: the pool is announced, not dropped.
        Assert.Equal(["l2-pool"], Assert.Single(configuration.L2Advertisements).Pools);

        Assert.Equal(3, configuration.BgpAdvertisements.Count);
        var first = configuration.BgpAdvertisements[0];
        Assert.Equal(["bgp-pool"], first.Pools);
        Assert.Equal(24, first.AggregationLength);
        Assert.Equal(124, first.AggregationLengthV6);
        Assert.Equal(100u, first.LocalPref);
        Assert.Equal(["65535:65282", "64500:1"], first.Communities);
        var second = configuration.BgpAdvertisements[1];
        Assert.Equal((32, 128, (uint?)null), (second.AggregationLength, second.AggregationLengthV6, second.LocalPref));
        Assert.Equal(["plain-bgp"], configuration.BgpAdvertisements[2].Pools);

        var peer = Assert.Single(configuration.Peers).Spec;
        Assert.Equal((64500u, 64501u, "10.0.0.1", (ushort)1179), (peer.MyAsn, peer.PeerAsn, peer.PeerAddress, peer.PeerPort));
        Assert.Equal(("10.0.0.2", "120s", "30s", "10.0.0.2"), (peer.SourceAddress, peer.HoldTime, peer.KeepaliveTime, peer.RouterId));
        Assert.Equal(("secret", "fast", true), (peer.Password, peer.BfdProfile, peer.EbgpMultiHop));
        var selector = Assert.Single(peer.NodeSelectors!);
        Assert.Equal("node-a", selector.MatchLabels["kubernetes.io/hostname"]);
        Assert.Equal(["amd64", "arm64"], Assert.Single(selector.MatchExpressions).Values);

        var bfd = Assert.Single(configuration.BfdProfiles).Spec;
        Assert.Equal((100u, 100u, 3u, 50u, false, false, 10u), (bfd.ReceiveInterval, bfd.TransmitInterval, bfd.DetectMultiplier, bfd.EchoInterval, bfd.EchoMode, bfd.PassiveMode, bfd.MinimumTtl));
        Assert.Equal(3, configuration.Pools!.Pools.Count);
    }

    [Theory]
    [InlineData("      colour: red", "address-pools[0].colour", "unknown field \"colour\"")]
    [InlineData("      auto-assign: sometimes", "address-pools[0].auto-assign", "must be true or false, got the string \"sometimes\"")]
    [InlineData("      addresses: 192.168.35.100", "address-pools[0].addresses", "must be a list")]
    [InlineData("      bgp-advertisements: [{}]", "address-pools[0].bgp-advertisements", "bgp-advertisements apply to protocol bgp only")]
    [InlineData("      protocol: arp", "address-pools[0].protocol", "unknown protocol \"arp\"")]
    [InlineData("      addresses: [192.168.35.300]", "address-pools[0].addresses[0]", "192.168.35.300")]
    public void AMistakeInAPool_IsReportedAtItsFileLine_NamingTheConfigMapAndTheField(string line, string field, string message)
    {
        // Line 12 of the file is the extra line, the last of the pool.
        var yaml = Samples.GuideConfigMap.Replace("      protocol: layer2\n", line.Contains("protocol", StringComparison.Ordinal) ? "" : "      protocol: layer2\n", StringComparison.Ordinal)
            .Replace("      - 192.168.35.100-192.168.35.110  # IP 대역폭\n", line.Contains("addresses", StringComparison.Ordinal) ? line + "\n" : "      - 192.168.35.100-192.168.35.110\n" + line + "\n", StringComparison.Ordinal);
        if (line.Contains("addresses", StringComparison.Ordinal))
        {
            yaml = yaml.Replace("      addresses:\n", "", StringComparison.Ordinal);
        }

        var expectedLine = yaml.Split('\n').ToList().IndexOf(line) + 1;
        var problem = Checking.Check(yaml, "metallb_config.yaml").Single();

        Assert.Equal(("ConfigMap", "metallb-system/config", field), (problem.Kind, problem.ObjectName, problem.Field));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Equal(expectedLine, problem.Line);
        Assert.StartsWith($"metallb_config.yaml:{expectedLine}: ConfigMap metallb-system/config: {field}: ", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PeersAndProfiles_AreCheckedAtTheirLegacyFields()
    {
        var yaml = Samples.EveryLegacyField
            .Replace("hold-time: 120s", "hold-time: 2s", StringComparison.Ordinal)
            .Replace("detect-multiplier: 3", "detect-multiplier: 1", StringComparison.Ordinal)
            .Replace("peer-address: 10.0.0.1", "peer-address: 10.0.0.256", StringComparison.Ordinal);

        var problems = Checking.Check(yaml).Problems;

        Assert.Collection(
            problems,
            p => Assert.Equal(("peers[0].peer-address", 9), (p.Field, p.Line)),
            p => Assert.Equal(("peers[0].hold-time", 14), (p.Field, p.Line)),
            p => Assert.Equal(("bfd-profiles[0].detect-multiplier", 33), (p.Field, p.Line)));
        Assert.All(problems, p => Assert.Equal(("ConfigMap", "metallb-system/config"), (p.Kind, p.ObjectName)));
    }

    [Fact]
    public void PeerPortZero_MeansTheDefaultPort_AsInMetalLb()
    {
        var check = Checking.Check(Samples.EveryLegacyField.Replace("peer-port: 1179", "peer-port: 0", StringComparison.Ordinal));

        check.AssertClean();
        Assert.Null(Assert.Single(Assert.Single(check.Configurations).Peers).Spec.PeerPort);
    }

    [Fact]
    public void Yaml11Booleans_AreReadAsMetalLbsParserDid()
    {
        var check = Checking.Check(Samples.GuideConfigMap.Replace("protocol: layer2", "protocol: layer2\n      auto-assign: no\n      avoid-buggy-ips: yes", StringComparison.Ordinal));

        check.AssertClean();
        var spec = Assert.Single(Assert.Single(check.Configurations).PoolSpecs);
        Assert.Equal((false, true), (spec.AutoAssign, spec.AvoidBuggyIPs));
    }

    [Fact]
    public void ABadCommunityValue_IsReportedAtItsAlias()
    {
        var problem = Checking.Check(Samples.EveryLegacyField.Replace("no-advertise: 65535:65282", "no-advertise: 65535:99999", StringComparison.Ordinal)).Single();

        Assert.Equal(("ConfigMap", "bgp-communities.no-advertise", 28), (problem.Kind, problem.Field, problem.Line));
        Assert.Contains("is not a community", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTopLevelKey_MissingProtocol_AndBadYaml_AreErrors()
    {
        var unknown = Checking.Check(Samples.GuideConfigMap.Replace("    address-pools:\n", "    adress-pools:\n", StringComparison.Ordinal)).Single();
        Assert.Equal(("adress-pools", 8), (unknown.Field, unknown.Line));

        var noProtocol = Checking.Check(Samples.GuideConfigMap.Replace("      protocol: layer2\n", "", StringComparison.Ordinal)).Single();
        Assert.Equal("address-pools[0].protocol", noProtocol.Field);
        Assert.Contains("no protocol", noProtocol.Message, StringComparison.Ordinal);

        var badInner = Checking.Check(Samples.GuideConfigMap.Replace("      addresses:\n", "      addresses: [\n", StringComparison.Ordinal)).Single();
        Assert.Equal("data.config", badInner.Field);
        Assert.StartsWith("not valid YAML", badInner.Message, StringComparison.Ordinal);
        Assert.InRange(badInner.Line!.Value, 11, 14);

        var notYaml = Checking.Check("apiVersion: v1\nkind: [unclosed\n", "junk.yaml").Single();
        Assert.InRange(notYaml.Line!.Value, 2, 3);
        Assert.StartsWith("junk.yaml:", notYaml.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigMapWithoutTheConfigKey_IsAnError_OtherConfigMapsAreSkipped()
    {
        var missing = Checking.Check("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n  namespace: metallb-system\ndata:\n  other: x\n").Single();
        Assert.Equal("data.config", missing.Field);

        var other = Checking.Check("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\ndata:\n  x: y\n");
        other.AssertClean();
        Assert.Equal("test.yaml: 1 other object", Assert.Single(other.Summaries));
    }
}
