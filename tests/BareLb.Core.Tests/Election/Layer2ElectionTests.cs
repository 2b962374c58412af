using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Core.Selectors;
using CsCheck;

namespace BareLb.Core.Tests.Election;

public sealed class Layer2ElectionTests
{
    private static NodeCandidate[] Nodes(int count) => [.. Enumerable.Range(0, count).Select(i => new NodeCandidate($"node-{i}"))];

    private static IPAddr Address(int i) => IPAddr.FromIPv4(0xC6120000u + (uint)i);

    [Fact]
    public void Elect_IsTheSameWhateverTheOrderOfCandidates()
    {
        var nodes = Nodes(7);
        Gen.Int[0, 100_000].Select(Gen.Int.Array[7]).Sample((i, keys) =>
        {
            var shuffled = nodes.Zip(keys).OrderBy(x => x.Second).Select(x => x.First).ToArray();
            Assert.Equal(Layer2Election.Elect(Address(i), nodes)!.Name, Layer2Election.Elect(Address(i), shuffled)!.Name);
        }, iter: 2_000);
    }

    [Fact]
    public void Elect_IsStableAcrossProcesses()
    {
        // Fixed expectations: the hash is ours (FNV-1a and splitmix64), not the runtime's randomised string hash.
        var nodes = Nodes(3);
        Assert.Equal("node-1", Layer2Election.Elect(IPAddr.Parse("198.18.35.100"), nodes)!.Name);
        Assert.Equal("node-1", Layer2Election.Elect(IPAddr.Parse("198.18.35.102"), nodes)!.Name);
        Assert.Equal("node-0", Layer2Election.Elect(IPAddr.Parse("198.18.35.103"), nodes)!.Name);
    }

    [Fact]
    public void Weights_WinOverHashing()
    {
        var nodes = new[] { new NodeCandidate("a"), new NodeCandidate("b", weight: 10), new NodeCandidate("c") };
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("b", Layer2Election.Elect(Address(i), nodes)!.Name);
        }

        Assert.Equal("b", Layer2Election.Rank(Address(1), nodes)[0].Name);
    }

    [Fact]
    public void NoCandidates_ElectsNobody() => Assert.Null(Layer2Election.Elect(Address(1), ReadOnlySpan<NodeCandidate>.Empty));

    [Fact]
    public void AddressesSpreadEvenly_AndANodeLeavingMovesOnlyItsOwn()
    {
        var nodes = Nodes(10);
        var before = Enumerable.Range(0, 10_000).Select(i => Layer2Election.Elect(Address(i), nodes)!.Name).ToArray();
        foreach (var group in before.GroupBy(n => n))
        {
            Assert.InRange(group.Count(), 800, 1200);
        }

        var without = nodes.Where(n => n.Name != "node-3").ToArray();
        for (var i = 0; i < before.Length; i++)
        {
            var now = Layer2Election.Elect(Address(i), without)!.Name;
            if (before[i] != "node-3")
            {
                Assert.Equal(before[i], now);
            }
        }

        var joined = nodes.Append(new NodeCandidate("node-new")).ToArray();
        var moved = 0;
        for (var i = 0; i < before.Length; i++)
        {
            var now = Layer2Election.Elect(Address(i), joined)!.Name;
            if (now != before[i])
            {
                Assert.Equal("node-new", now);
                moved++;
            }
        }

        Assert.InRange(moved, 700, 1150); // about 1/11 of 10,000
    }

    [Fact]
    public void Candidates_AreFilteredWithReasons()
    {
        var nodes = new[]
        {
            new NodeInfo { Name = "ok", Labels = new Dictionary<string, string> { ["zone"] = "a" }, Interfaces = new HashSet<string> { "eth0" } },
            new NodeInfo { Name = "dead", IsAliveMember = false },
            new NodeInfo { Name = "nonet", NetworkUnavailable = true },
            new NodeInfo { Name = "excluded", Labels = new Dictionary<string, string> { [NodeInfo.ExcludeFromExternalLoadBalancersLabel] = "" } },
            new NodeInfo { Name = "elsewhere", Labels = new Dictionary<string, string> { ["zone"] = "b" } },
            new NodeInfo { Name = "noif", Labels = new Dictionary<string, string> { ["zone"] = "a" }, Interfaces = new HashSet<string> { "eth1" } },
            new NodeInfo { Name = "noendpoint", Labels = new Dictionary<string, string> { ["zone"] = "a" }, Interfaces = new HashSet<string> { "eth0" } },
        };
        var scope = new AdvertisementScope
        {
            NodeSelectors = [new LabelSelector(new Dictionary<string, string> { ["zone"] = "a" })],
            Interfaces = ["eth0"],
            NodeWeights = new Dictionary<string, int> { ["ok"] = 5 },
        };
        var (candidates, excluded) = CandidateSelector.Select(nodes, scope, new HashSet<string> { "ok", "noif" });

        var only = Assert.Single(candidates);
        Assert.Equal("ok", only.Name);
        Assert.Equal(5, only.Weight);
        Assert.Equal(
            [
                new CandidateExclusion("dead", CandidateExclusionReason.NotAliveMember),
                new CandidateExclusion("nonet", CandidateExclusionReason.NetworkUnavailable),
                new CandidateExclusion("excluded", CandidateExclusionReason.ExcludedByLabel),
                new CandidateExclusion("elsewhere", CandidateExclusionReason.NotSelectedByAdvertisement),
                new CandidateExclusion("noif", CandidateExclusionReason.MissingInterface),
                new CandidateExclusion("noendpoint", CandidateExclusionReason.NoServingEndpoint),
            ],
            excluded);
    }
}
