using BareLb.Core.Addresses;
using BareLb.Core.Election;
using BareLb.Core.Selectors;
using CsCheck;

namespace BareLb.Core.Tests.Election;

public sealed class Layer2DecisionTests
{
    private static readonly string[] NodeNames = ["node-a", "node-b", "node-c"];

    private static Layer2Pool Pool(params Layer2Advertisement[] advertisements) => new()
    {
        Name = "default",
        Ranges = [IPRange.Parse("198.18.35.100-198.18.35.110"), IPRange.Parse("2001:db8:35::100-2001:db8:35::110")],
        Advertisements = advertisements,
    };

    private static Layer2Advertisement Everywhere(string name = "l2") => new() { Name = name, Nodes = NodeNames.ToHashSet() };

    private static Layer2View View(string me, Layer2Pool pool, IReadOnlySet<string>? live = null, params NodeInfo[] nodes) => new()
    {
        MyNode = me,
        Nodes = (nodes.Length > 0 ? nodes : NodeNames.Select(n => new NodeInfo { Name = n }).ToArray()).ToDictionary(n => n.Name),
        LiveSpeakers = live ?? NodeNames.ToHashSet(),
        Pools = [pool],
    };

    private static Layer2Service Service(params ServiceEndpoint[] endpoints) => new()
    {
        Key = "kubeflow/istio-ingressgateway",
        IngressAddresses = ["198.18.35.100"],
        Endpoints = endpoints.Length > 0 ? endpoints : [new ServiceEndpoint("node-a", true, true)],
    };

    private static string[] Announcers(Func<string, Layer2View> view, Layer2Service service) =>
        [.. NodeNames.Where(n => Layer2Decision.Decide(view(n), service).Announce)];

    [Fact]
    public void ExactlyOneNodeAnnouncesAndEveryNodeNamesTheSameOne()
    {
        var pool = Pool(Everywhere());
        var service = Service();
        var verdicts = NodeNames.Select(n => Layer2Decision.Decide(View(n, pool), service)).ToArray();
        Assert.Single(verdicts, v => v.Announce);
        Assert.Single(verdicts.Select(v => v.Elected).Distinct());
        var winner = verdicts.Single(v => v.Announce);
        Assert.True(winner.AllInterfaces);
        Assert.Equal(Layer2Reason.NotOwner, verdicts.First(v => !v.Announce).Reason);
    }

    [Fact]
    public void TheStatusAndPoolAreCheckedInMetalLBsOrder()
    {
        var pool = Pool(Everywhere());
        Assert.Equal(Layer2Reason.NotLoadBalancer, Layer2Decision.Decide(View("node-a", pool), Service() with { IsLoadBalancer = false }).Reason);
        Assert.Equal(Layer2Reason.NoConfiguration, Layer2Decision.Decide(View("node-a", pool) with { Pools = null }, Service()).Reason);
        Assert.Equal(Layer2Reason.NoIPAllocated, Layer2Decision.Decide(View("node-a", pool), Service() with { IngressAddresses = [] }).Reason);
        Assert.Equal(Layer2Reason.InvalidIP, Layer2Decision.Decide(View("node-a", pool), Service() with { IngressAddresses = ["198.18.35.1000"] }).Reason);
        Assert.Equal(Layer2Reason.IPNotAllowed, Layer2Decision.Decide(View("node-a", pool), Service() with { IngressAddresses = ["198.18.35.100", "198.18.36.1"] }).Reason);
        Assert.Equal("notOwner", Layer2ReasonNames.Of(Layer2Reason.NotOwner));
    }

    [Fact]
    public void AnIPv4MappedAddressIsTheIPv4AddressAsGoReadsIt()
    {
        // Go's net.IP treats ::ffff:a.b.c.d as a.b.c.d: an IPv4 pool holds it, it hashes as the dotted quad and
        // MetalLB answers ARP for it.
        var pool = Pool(Everywhere());
        var plain = Layer2Decision.Decide(View("node-a", pool), Service());
        var mapped = Layer2Decision.Decide(View("node-a", pool), Service() with { IngressAddresses = ["::ffff:198.18.35.100"] });
        Assert.Equal(plain.Reason, mapped.Reason);
        Assert.Equal(plain.Elected, mapped.Elected);
        Assert.Equal([IPAddr.Parse("198.18.35.100")], mapped.Addresses);
        Assert.True(mapped.Addresses[0].IsIPv4);
    }

    [Fact]
    public void NoEndpointThatCanServeMeansNobodyAnnounces()
    {
        var pool = Pool(Everywhere());
        var notReady = Service(new ServiceEndpoint("node-a", false, false));
        Assert.Empty(Announcers(n => View(n, pool), notReady));

        // Terminating but serving still counts; ready unset counts as ready.
        Assert.Single(Announcers(n => View(n, pool), Service(new ServiceEndpoint("node-a", false, true))));
        Assert.Single(Announcers(n => View(n, pool), Service(new ServiceEndpoint(null, null, null))));
    }

    [Fact]
    public void ExternalTrafficPolicyLocalElectsAmongNodesWithAServingEndpoint()
    {
        var pool = Pool(Everywhere());
        foreach (var node in NodeNames)
        {
            var service = Service(new ServiceEndpoint(node, true, true), new ServiceEndpoint("node-x", true, true)) with { ExternalTrafficPolicyLocal = true };
            Assert.Equal([node], Announcers(n => View(n, pool), service));
        }
    }

    [Fact]
    public void DeadUnavailableAndExcludedNodesAreLeftOutWithReasons()
    {
        var pool = Pool(Everywhere());
        var nodes = new[]
        {
            new NodeInfo { Name = "node-a" },
            new NodeInfo { Name = "node-b", NetworkUnavailable = true },
            new NodeInfo { Name = "node-c", Labels = new Dictionary<string, string> { [NodeInfo.ExcludeFromExternalLoadBalancersLabel] = "" } },
            new NodeInfo { Name = "node-d" },
        };
        var live = new HashSet<string> { "node-a", "node-b", "node-c" };
        var verdict = Layer2Decision.Decide(View("node-a", pool, live, nodes), Service());
        Assert.True(verdict.Announce);
        Assert.Equal(
            [
                new CandidateExclusion("node-b", CandidateExclusionReason.NetworkUnavailable),
                new CandidateExclusion("node-c", CandidateExclusionReason.ExcludedByLabel),
                new CandidateExclusion("node-d", CandidateExclusionReason.NotAliveMember),
            ],
            verdict.Excluded);

        var ignoring = Layer2Decision.Decide(View("node-a", pool, live, nodes) with { IgnoreExcludeLoadBalancers = true }, Service());
        Assert.Contains(ignoring.Candidates, c => c.Name == "node-c");
    }

    [Fact]
    public void ANodeNoAdvertisementSelectsDoesNotAnnounceAndSaysSo()
    {
        var pool = Pool(new Layer2Advertisement { Name = "only-b", Nodes = new HashSet<string> { "node-b" } });
        var verdict = Layer2Decision.Decide(View("node-a", pool), Service());
        Assert.Equal(Layer2Reason.NoMatchingAdvertisement, verdict.Reason);
        Assert.Contains("only-b", verdict.Detail, StringComparison.Ordinal);
        Assert.Equal(["node-b"], Announcers(n => View(n, pool), Service()));
    }

    [Fact]
    public void SharedAddressesAreRefusedWithServiceSelectors()
    {
        var selecting = new Layer2Advertisement
        {
            Name = "selective",
            Nodes = NodeNames.ToHashSet(),
            ServiceSelectors = [new LabelSelector(new Dictionary<string, string> { ["app"] = "web" })],
        };
        var service = Service() with { AllowsSharedIP = true, Labels = new Dictionary<string, string> { ["app"] = "web" } };
        Assert.Equal(Layer2Reason.SharedIPWithServiceSelector, Layer2Decision.Decide(View("node-a", Pool(selecting)), service).Reason);

        // A selector that does not match the Service does not apply to it, so it does not refuse sharing.
        var other = service with { Labels = new Dictionary<string, string> { ["app"] = "db" } };
        Assert.Equal(Layer2Reason.NoMatchingAdvertisement, Layer2Decision.Decide(View("node-a", Pool(selecting)), other).Reason);
        Assert.Single(Announcers(n => View(n, Pool(selecting, Everywhere())), other));
    }

    [Fact]
    public void PreferredNodeWeightsAreSummedAcrossAdvertisements()
    {
        var first = Everywhere("first") with { PreferredNodes = new Dictionary<string, long> { ["node-a"] = 70 } };
        var second = Everywhere("second") with { PreferredNodes = new Dictionary<string, long> { ["node-a"] = 30, ["node-b"] = 50 } };
        var verdict = Layer2Decision.Decide(View("node-a", Pool(first, second)), Service());
        Assert.True(verdict.Announce);
        Assert.Equal(100, verdict.Candidates.Single(c => c.Name == "node-a").Weight);
        Assert.Equal(50, verdict.Candidates.Single(c => c.Name == "node-b").Weight);
    }

    [Fact]
    public void InterfacesAreThoseOfTheAdvertisementsForThisNodeUnlessOneTakesAll()
    {
        var eth0 = Everywhere("eth0") with { Interfaces = ["eth0"] };
        var eth1 = Everywhere("eth1") with { Interfaces = ["eth1"] };
        var winner = NodeNames.Select(n => Layer2Decision.Decide(View(n, Pool(eth0, eth1)), Service())).Single(v => v.Announce);
        Assert.False(winner.AllInterfaces);
        Assert.Equal(new HashSet<string> { "eth0", "eth1" }, winner.Interfaces);
        var withAll = NodeNames.Select(n => Layer2Decision.Decide(View(n, Pool(eth0, Everywhere())), Service())).Single(v => v.Announce);
        Assert.True(withAll.AllInterfaces);
    }

    [Fact]
    public void EveryNodeReachesTheSameAnswerFromTheSameView()
    {
        var names = Enumerable.Range(0, 12).Select(i => $"n{i}").ToArray();
        var gen = Gen.Select(
            Gen.Int[0, 4095], // live speakers bitmask
            Gen.Int[0, 4095], // nodes selected by the advertisement
            Gen.Int[0, 4095], // nodes with a serving endpoint
            Gen.Bool,         // externalTrafficPolicy Local
            Gen.Int[0, 255]); // address
        gen.Sample((live, selected, endpoints, local, last) =>
        {
            var pool = new Layer2Pool
            {
                Name = "p",
                Ranges = [IPRange.Parse("198.18.35.0/24")],
                Advertisements = [new Layer2Advertisement { Nodes = names.Where((_, i) => (selected >> i & 1) == 1).ToHashSet() }],
            };
            var service = new Layer2Service
            {
                Key = "ns/s",
                IngressAddresses = [$"198.18.35.{last}"],
                ExternalTrafficPolicyLocal = local,
                Endpoints = [.. names.Where((_, i) => (endpoints >> i & 1) == 1).Select(n => new ServiceEndpoint(n, true, true))],
            };
            var liveSet = names.Where((_, i) => (live >> i & 1) == 1).ToHashSet();
            var nodes = names.ToDictionary(n => n, n => new NodeInfo { Name = n });
            var verdicts = liveSet.Select(me => Layer2Decision.Decide(new Layer2View { MyNode = me, Nodes = nodes, LiveSpeakers = liveSet, Pools = [pool] }, service)).ToArray();
            Assert.True(verdicts.Count(v => v.Announce) <= 1);
            var elected = verdicts.Where(v => v.Elected is not null).Select(v => v.Elected!).Distinct().ToArray();
            Assert.True(elected.Length <= 1);
            if (elected.Length == 1)
            {
                Assert.Contains(elected[0], liveSet);
                Assert.Equal(verdicts.Any(v => v.Announce), pool.Advertisements[0].Nodes.Contains(elected[0]));
            }
        }, iter: 2_000);
    }
}
