using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Configuration;

public sealed class CustomResourceTests
{
    [Fact]
    public void EveryKind_IsReadAndTranslated_WithSelectorsAndAliasesResolved()
    {
        var check = Checking.Check(Samples.EveryCrdKind);

        check.AssertClean();
        Assert.Equal("test.yaml: 2 IPAddressPools, 1 L2Advertisement, 1 BGPAdvertisement, 2 BGPPeers, 1 BFDProfile, 1 Community, 2 status objects", Assert.Single(check.Summaries));
        var configuration = Assert.Single(check.Configurations);
        Assert.True(configuration.IsValid);
        Assert.Equal(ConfigurationForm.CustomResources, configuration.Form);

        var first = configuration.PoolSpecs[0];
        Assert.Equal(new BareLb.Core.Pools.ConfigurationSource("IPAddressPool", "first", "spec"), first.Source);
        Assert.False(first.AutoAssign);
        Assert.True(first.AvoidBuggyIPs);
        Assert.Equal(10, first.ServiceAllocation!.Priority);
        Assert.Equal(["web"], first.ServiceAllocation.Namespaces);
        Assert.Equal("blue", Assert.Single(first.ServiceAllocation.NamespaceSelectors).MatchLabels["team"]);
        Assert.Equal("tier", Assert.Single(Assert.Single(first.ServiceAllocation.ServiceSelectors).MatchExpressions).Key);

        var l2 = Assert.Single(configuration.L2Advertisements);
        Assert.Equal(["first"], l2.Pools);
        Assert.Equal(["eth0"], l2.Scope.Interfaces);
        Assert.Equal("node-a", Assert.Single(l2.Scope.NodeSelectors).MatchLabels["kubernetes.io/hostname"]);

        var bgp = Assert.Single(configuration.BgpAdvertisements);
        Assert.Equal(["second"], bgp.Pools);
        Assert.Equal((24, 120, (uint?)50), (bgp.AggregationLength, bgp.AggregationLengthV6, bgp.LocalPref));
        Assert.Equal(["65535:65281", "65000:7", "large:1:2:3"], bgp.Communities);
        Assert.Equal(["router-v2", "router-v1"], bgp.Peers);

        Assert.Equal(["router-v2", "router-v1"], configuration.Peers.Select(p => p.Metadata.Name));
        var v1 = configuration.Peers[1].Spec;
        Assert.Equal("rack", Assert.Single(Assert.Single(v1.NodeSelectors!).MatchExpressions).Key);
        Assert.Equal(254u, Assert.Single(configuration.BfdProfiles).Spec.MinimumTtl);
    }

    [Fact]
    public void ObjectsFromTheApi_TranslateLikeObjectsFromFiles()
    {
        var resources = new MetalLbResources();
        resources.Pools.Add(new IPAddressPool { Metadata = new V1ObjectMeta { Name = "default" }, Spec = new IPAddressPoolSpec { Addresses = ["192.168.35.100-192.168.35.110"] } });
        resources.L2Advertisements.Add(new L2Advertisement { Metadata = new V1ObjectMeta { Name = "all" } });

        var configuration = MetalLbConfigurationReader.FromResources(resources);

        Assert.True(configuration.IsValid);
        Assert.Empty(configuration.Problems);
        Assert.Equal(["default"], Assert.Single(configuration.L2Advertisements).Pools);
    }

    [Fact]
    public void TheModels_RoundTripThroughKubeJson_WithTheApisFieldNames()
    {
        var pool = KubeYaml.Deserialize<IPAddressPool>("""
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata: {name: p}
            spec: {addresses: [198.18.0.0/24], avoidBuggyIPs: true}
            status: {assignedIPv4: 3, availableIPv4: 253, assignedIPv6: 0, availableIPv6: 0}
            """);
        var json = KubeJson.Serialize(pool);

        Assert.Equal(253, pool.Status!.AvailableIPv4);
        Assert.Contains("\"avoidBuggyIPs\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"assignedIPv4\":3", json, StringComparison.Ordinal);
        Assert.Contains("\"apiVersion\":\"metallb.io/v1beta1\"", KubeJson.Serialize(new BGPAdvertisement()), StringComparison.Ordinal);
        Assert.Contains("\"apiVersion\":\"metallb.io/v1beta2\"", KubeJson.Serialize(new BGPPeer()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  adresses: [198.18.0.0/24]", "spec.adresses", "unknown field \"adresses\"")]
    [InlineData("  addresses: 198.18.0.0/24", "spec.addresses", "must be a list")]
    [InlineData("  addresses: [198.18.0.0/33]", "spec.addresses[0]", "prefix length")]
    [InlineData("  addresses: []", "spec.addresses", "at least one address")]
    [InlineData("  autoAssign: \"false\"", "spec.autoAssign", "must be true or false")]
    public void AMistakeInAPool_IsReportedAtItsLine(string line, string field, string message)
    {
        var yaml = $"apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: bad\nspec:\n{line}\n" + (line.Contains("addresses", StringComparison.Ordinal) ? "" : "  addresses: [198.18.0.0/24]\n")
            + "---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: all\n";

        var problem = Checking.Check(yaml).Single();

        Assert.Equal(("IPAddressPool", "bad", field, 6), (problem.Kind, problem.ObjectName, problem.Field, problem.Line));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MistakesInPeersAdvertisementsAndProfiles_NameTheirObjectAndField()
    {
        var yaml = Samples.EveryCrdKind
            .Replace("peerAddress: 198.18.255.1", "peerAddress: router.example", StringComparison.Ordinal)
            .Replace("holdTime: 90s", "holdTime: 90q", StringComparison.Ordinal)
            .Replace("aggregationLength: 24", "aggregationLength: 40", StringComparison.Ordinal)
            .Replace("communities: [no-export,", "communities: [no-such-alias,", StringComparison.Ordinal)
            .Replace("minimumTtl: 254", "minimumTtl: 255", StringComparison.Ordinal)
            .Replace("operator: Exists", "operator: Exist", StringComparison.Ordinal);

        var problems = Checking.Check(yaml).Problems.Select(p => (p.Kind, p.ObjectName, p.Field)).ToList();

        Assert.Equal(
            [
                ("BGPAdvertisement", "bgp", "spec.aggregationLength"),
                ("BGPAdvertisement", "bgp", "spec.communities[0]"),
                ("BGPPeer", "router-v2", "spec.peerAddress"),
                ("BGPPeer", "router-v2", "spec.holdTime"),
                ("BGPPeer", "router-v1", "spec.nodeSelectors[0].matchExpressions[0].operator"),
                ("BFDProfile", "fast", "spec.minimumTtl"),
            ],
            problems);
    }

    [Fact]
    public void PreferredNodeSelectors_AreRead_WithTheirWeightsAndSelectors()
    {
        var configuration = Assert.Single(Checking.Check(PreferringAdvertisement("10", "matchLabels: {rack: a}", "100")).Configurations);

        Assert.True(configuration.IsValid);
        var preferences = Assert.Single(configuration.L2Advertisements).Scope.PreferredNodes;
        Assert.Equal([10, 100], preferences.Select(p => p.Weight));
        Assert.Equal("a", preferences[0].Preference.MatchLabels["rack"]);
        Assert.True(preferences[1].Preference.Matches(new Dictionary<string, string>()));
        Assert.Equal(110, Assert.Single(configuration.L2Advertisements).Scope.WeightOf(new Dictionary<string, string> { ["rack"] = "a" }));
    }

    [Theory]
    [InlineData("0", "matchLabels: {rack: a}", "spec.preferredNodeSelectors[0].weight", "0 is outside 1 to 100")]
    [InlineData("101", "matchLabels: {rack: a}", "spec.preferredNodeSelectors[0].weight", "101 is outside 1 to 100")]
    [InlineData("5", "matchExpressions: [{key: rack, operator: Within, values: [a]}]", "spec.preferredNodeSelectors[0].preference.matchExpressions[0].operator", "unknown operator")]
    [InlineData("5", "matchExpressions: [{key: rack, operator: In}]", "spec.preferredNodeSelectors[0].preference.matchExpressions[0]", "")]
    public void ABadPreferredNodeSelector_IsAnErrorThatNamesTheAdvertisementAndField(string weight, string selector, string field, string message)
    {
        var check = Checking.Check(PreferringAdvertisement(weight, selector, "1"));

        var problem = Assert.Single(check.Problems);
        Assert.Equal(("L2Advertisement", "l2"), (problem.Kind, problem.ObjectName));
        Assert.StartsWith(field, problem.Field, StringComparison.Ordinal);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.False(Assert.Single(check.Configurations).IsValid);
    }

    private static string PreferringAdvertisement(string weight, string selector, string secondWeight) => $$"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata:
          name: pool
          namespace: metallb-system
        spec:
          addresses: [198.18.35.100-198.18.35.110]
        ---
        apiVersion: metallb.io/v1beta1
        kind: L2Advertisement
        metadata:
          name: l2
          namespace: metallb-system
        spec:
          preferredNodeSelectors:
          - weight: {{weight}}
            preference:
              {{selector}}
          - weight: {{secondWeight}}
            preference: {}

        """;

    [Fact]
    public void AnObjectWithoutANamespace_GetsAWarning_AndOneInAnotherNamespace_AnError_AsMetalLbsWebhooksRefuseIt()
    {
        var check = Checking.Check("apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: a\n---\napiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata:\n  name: b\n  namespace: metallb\n");

        Assert.Collection(
            check.Problems,
            p => Assert.Equal(("L2Advertisement", "a", "metadata.namespace", 3, ProblemSeverity.Warning), (p.Kind, p.ObjectName, p.Field, p.Line, p.Severity)),
            p => Assert.Equal(("L2Advertisement", "b", "metadata.namespace", 10, ProblemSeverity.Error), (p.Kind, p.ObjectName, p.Field, p.Line, p.Severity)));
    }

    [Fact]
    public void AnUnknownMetallbKind_OrVersion_IsAnError()
    {
        var problem = Checking.Check("apiVersion: metallb.io/v1alpha1\nkind: AddressPool\nmetadata:\n  name: old\n").Single();
        Assert.Equal(("AddressPool", "apiVersion", 1), (problem.Kind, problem.Field, problem.Line));
    }

    [Fact]
    public void APoolNoAdvertisementCovers_GetsAWarning_ButTheConfigurationIsValid()
    {
        var yaml = Samples.EveryCrdKind.Replace("ipAddressPools: [second]", "ipAddressPoolSelectors: [{matchLabels: {zone: b}}]", StringComparison.Ordinal);

        var check = Checking.Check(yaml);

        Assert.False(check.HasErrors);
        var warning = check.Single(ProblemSeverity.Warning);
        Assert.Equal(("IPAddressPool", "second"), (warning.Kind, warning.ObjectName));
        Assert.Contains("addresses from pool second will not be announced", warning.Message, StringComparison.Ordinal);
        Assert.Equal(27, warning.Line);
        Assert.True(Assert.Single(check.Configurations).IsValid);
    }

    [Fact]
    public void ObjectsMayReferToEachOtherAcrossFiles_ButNotBeDefinedTwice()
    {
        var documents = Samples.EveryCrdKind.Split("---\n");
        var pools = string.Join("---\n", documents[..2]);
        var rest = string.Join("---\n", documents[2..]);

        var check = ConfigurationFiles.Check([new ConfigurationFile("pools.yaml", pools), new ConfigurationFile("rest.yaml", rest)]);
        check.AssertClean();

        var twice = ConfigurationFiles.Check([new ConfigurationFile("a.yaml", Samples.EveryCrdKind), new ConfigurationFile("b.yaml", pools)]);
        Assert.Equal(2, twice.Problems.Count(p => p.Message.Contains("also defined in a.yaml", StringComparison.Ordinal)));
    }
}
