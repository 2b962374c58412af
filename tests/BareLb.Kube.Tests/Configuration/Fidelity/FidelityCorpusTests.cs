using System.Text.Json.Nodes;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Configuration.Fidelity;

/// <summary>
/// Every case of the corpus (legacy.yaml: MetalLB v0.12.1's verdicts on ConfigMaps; resources.yaml: v0.16.1's on
/// metallb.io objects) through the code <c>barelb config check</c> runs (<see cref="ConfigurationFiles.Check"/>) and
/// through the controller's reading path (<see cref="MetalLbConfigurationReader.FromConfigMap"/> and
/// <see cref="MetalLbConfigurationReader.FromResources"/>): BareLb's verdict must be MetalLB's, unless the case
/// documents a deliberate difference. Objects the API server itself refuses (stage: schema) never reach a
/// controller, so for them only the checker's verdict counts.
/// </summary>
public sealed class FidelityCorpusTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "legacy.yaml", "resources.yaml" })
        {
            foreach (var c in FidelityCase.Load(file))
            {
                data.Add(file, c.Name);
            }
        }

        return data;
    }

    private static FidelityCase Find(string file, string name) => FidelityCase.Load(file).Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void BareLbJudgesTheCaseAsMetalLbDoes(string file, string name)
    {
        var c = Find(file, name);
        var check = ConfigurationFiles.Check([new ConfigurationFile("case.yaml", c.ToManifest())]);
        var problems = string.Join('\n', check.Problems);
        Assert.True(c.Expected != check.HasErrors,
            $"{c}: expected {(c.Expected ? "accept" : "refuse")} (MetalLB: {(c.MetalLbAccepts ? "accept" : "refuse")}, {c.From}); barelb config check said:\n{(problems.Length == 0 ? "(nothing)" : problems)}");

        if (c.Stage is null)
        {
            var configuration = ReadAsController(c);
            var errors = configuration.Problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
            Assert.True(c.Expected == (errors.Count == 0),
                $"{c}: expected {(c.Expected ? "accept" : "refuse")} on the controller's path; it said:\n{string.Join('\n', configuration.Problems)}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryRefusalNamesAField(string file, string name)
    {
        var c = Find(file, name);
        var check = ConfigurationFiles.Check([new ConfigurationFile("case.yaml", c.ToManifest())]);
        foreach (var problem in check.Problems.Where(p => p.Severity == ProblemSeverity.Error))
        {
            Assert.False(string.IsNullOrEmpty(problem.Field) && problem.Kind.Length > 0 && problem.Message.Length < 10, $"{c}: {problem}");
            Assert.NotNull(problem.Line);
        }

        // The same problem is never printed twice.
        Assert.Equal(check.Problems.Count, check.Problems.Select(p => p.ToString()).Distinct(StringComparer.Ordinal).Count());
    }

    internal static MetalLbConfiguration ReadAsController(FidelityCase c)
    {
        if (c.LegacyConfig is { } config)
        {
            return MetalLbConfigurationReader.FromConfigMap(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "config", NamespaceProperty = "metallb-system" },
                Data = new Dictionary<string, string> { ["config"] = config },
            });
        }

        return MetalLbConfigurationReader.FromResources(ResourcesOf(c.ObjectNodes()));
    }

    /// <summary>Objects as the controller's informers hand them over: typed, from the namespace it reads.</summary>
    internal static MetalLbResources ResourcesOf(IEnumerable<JsonObject> nodes)
    {
        var resources = new MetalLbResources();
        foreach (var node in nodes)
        {
            var json = node.ToJsonString();
            var apiVersion = node["apiVersion"]?.ToString();
            switch (node["kind"]?.ToString())
            {
                case IPAddressPool.KindName: resources.Pools.Add(KubeJson.Deserialize<IPAddressPool>(json)); break;
                case L2Advertisement.KindName: resources.L2Advertisements.Add(KubeJson.Deserialize<L2Advertisement>(json)); break;
                case BGPAdvertisement.KindName: resources.BgpAdvertisements.Add(KubeJson.Deserialize<BGPAdvertisement>(json)); break;
                case BFDProfile.KindName: resources.BfdProfiles.Add(KubeJson.Deserialize<BFDProfile>(json)); break;
                case Community.KindName: resources.Communities.Add(KubeJson.Deserialize<Community>(json)); break;
                case BGPPeer.KindName when apiVersion == MetalLbApi.V1Beta1:
                    resources.BgpPeers.Add(BgpPeerVersions.ToV1Beta2(KubeJson.Deserialize<BGPPeerV1Beta1>(json)));
                    break;
                case BGPPeer.KindName: resources.BgpPeers.Add(KubeJson.Deserialize<BGPPeer>(json)); break;
                case "Secret": resources.Secrets[node["metadata"]!["name"]!.ToString()] = KubeJson.Deserialize<V1Secret>(json); break;
            }
        }

        return resources;
    }
}
