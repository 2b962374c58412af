using BareLb.Kube.Configuration;

namespace BareLb.Kube.Tests.Configuration;

public sealed class ConvertTests
{
    [Theory]
    [InlineData("guide")]
    [InlineData("every legacy field")]
    public void Converting_ThenChecking_GivesTheSamePoolsAndAdvertisements(string sample)
    {
        var legacy = sample == "guide" ? Samples.GuideConfigMap : Samples.EveryLegacyField;
        var conversion = ConfigurationFiles.Convert(new ConfigurationFile("legacy.yaml", legacy));
        Assert.NotNull(conversion.Yaml);
        Assert.Empty(conversion.Problems);

        var before = Assert.Single(Checking.Check(legacy).Configurations);
        var check = Checking.Check(conversion.Yaml, "converted.yaml");
        check.AssertClean();
        var after = Assert.Single(check.Configurations);

        Assert.Equal(ConfigurationForm.CustomResources, after.Form);
        Assert.Equal(
            before.PoolSpecs.Select(p => (p.Name, string.Join(',', p.Addresses), p.AutoAssign, p.AvoidBuggyIPs)),
            after.PoolSpecs.Select(p => (p.Name, string.Join(',', p.Addresses), p.AutoAssign, p.AvoidBuggyIPs)));
        Assert.Equal(before.L2Advertisements.Select(a => string.Join(',', a.Pools)), after.L2Advertisements.Select(a => string.Join(',', a.Pools)));
        Assert.Equal(
            before.BgpAdvertisements.Select(a => (string.Join(',', a.Pools), a.AggregationLength, a.AggregationLengthV6, a.LocalPref, string.Join(',', a.Communities))),
            after.BgpAdvertisements.Select(a => (string.Join(',', a.Pools), a.AggregationLength, a.AggregationLengthV6, a.LocalPref, string.Join(',', a.Communities))));
        Assert.Equal(before.Peers.Count, after.Peers.Count);
        Assert.Equal(before.BfdProfiles.Count, after.BfdProfiles.Count);
        Assert.Equal(before.Pools!.Pools.SelectMany(p => p.Ranges), after.Pools!.Pools.SelectMany(p => p.Ranges));
    }

    [Fact]
    public void TheGuidesConfigMap_BecomesAPoolAndAnL2Advertisement_InItsNamespace()
    {
        var yaml = ConfigurationFiles.Convert(new ConfigurationFile("metallb_config.yaml", Samples.GuideConfigMap)).Yaml;

        Assert.Equal(
            """
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: default
              namespace: metallb-system
            spec:
              addresses:
              - 192.168.35.100-192.168.35.110
            ---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata:
              name: default-l2
              namespace: metallb-system
            spec:
              ipAddressPools:
              - default

            """,
            yaml);
    }

    [Fact]
    public void PoolsSpelledL2_AreRefused_AsMetalLbV012RefusedThem()
    {
        var conversion = ConfigurationFiles.Convert(new ConfigurationFile("l2.yaml", Samples.GuideConfigMap.Replace("protocol: layer2", "protocol: l2", StringComparison.Ordinal)));

        Assert.Null(conversion.Yaml);
        Assert.Contains(conversion.Problems, p => p.Field.EndsWith(".protocol", StringComparison.Ordinal) && p.Message.Contains("write layer2", StringComparison.Ordinal));
    }

    [Fact]
    public void CommunityValues_AreQuoted_SoYamlReadsThemBackAsStrings()
    {
        var yaml = ConfigurationFiles.Convert(new ConfigurationFile("all.yaml", Samples.EveryLegacyField)).Yaml!;

        Assert.Contains("value: \"65535:65282\"", yaml, StringComparison.Ordinal);
        Assert.Contains("- \"64500:1\"", yaml, StringComparison.Ordinal);
        Assert.Contains("apiVersion: metallb.io/v1beta2\nkind: BGPPeer", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInvalidConfigMap_IsNotConverted_AndItsProblemsHaveLines()
    {
        var conversion = ConfigurationFiles.Convert(new ConfigurationFile("bad.yaml", Samples.GuideConfigMap.Replace("layer2", "layer3", StringComparison.Ordinal)));

        Assert.Null(conversion.Yaml);
        var problem = Assert.Single(conversion.Problems);
        Assert.Equal(("bad.yaml", 10), (problem.File, problem.Line));
    }

    [Fact]
    public void AFileWithoutAConfigMap_IsNotConverted()
    {
        var conversion = ConfigurationFiles.Convert(new ConfigurationFile("crds.yaml", Samples.EveryCrdKind));

        Assert.Null(conversion.Yaml);
        Assert.Contains("holds 0 MetalLB ConfigMaps", Assert.Single(conversion.Problems).Message, StringComparison.Ordinal);
    }
}
