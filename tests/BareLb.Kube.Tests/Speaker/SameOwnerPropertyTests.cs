using BareLb.Core.Pools;
using BareLb.Core.Selectors;
using BareLb.Kube.Configuration;
using BareLb.Kube.Speaker;
using CsCheck;
using k8s.Models;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>
/// Every speaker computes the same owner from the same view: random Nodes (labels, exclusion, NetworkUnavailable),
/// live sets, L2Advertisements (node selectors, interfaces), Services (shared addresses, dual-stack, ETP Local,
/// endpoint conditions) read through <see cref="Layer2Inputs"/> and decided on every node: each address is desired
/// on at most one node, on the node all of them elect.
/// </summary>
public sealed class SameOwnerPropertyTests
{
    private static readonly string[] Names = [.. Enumerable.Range(0, 8).Select(i => $"node-{i}")];

    [Fact]
    public void EveryNode_ComputesTheSameOwner_FromTheSameObjects()
    {
        var service = Gen.Select(Gen.Int[0, 3], Gen.Bool, Gen.Bool, Gen.Int[0, 255], Gen.Int[0, 255], Gen.Int[0, 3]);
        var gen = Gen.Select(
            Gen.Int[0, 255],   // live speakers bitmask
            Gen.Int[0, 255],   // excluded by label
            Gen.Int[0, 255],   // NetworkUnavailable
            Gen.Int[0, 255],   // zone a (else b)
            Gen.Int[0, 3],     // advertisement node selector: none, zone a, zone b, both advertisements
            service.Array[1, 6]);
        gen.Sample((live, excluded, unavailable, zoneA, selector, services) =>
        {
            var nodes = Names.Select((n, i) => new V1Node
            {
                Metadata = new V1ObjectMeta
                {
                    Name = n,
                    Labels = new Dictionary<string, string>(Bit(excluded, i) ? [new("node.kubernetes.io/exclude-from-external-load-balancers", "")] : [])
                    {
                        ["zone"] = Bit(zoneA, i) ? "a" : "b",
                    },
                },
                Status = new V1NodeStatus { Conditions = [new V1NodeCondition { Type = "NetworkUnavailable", Status = Bit(unavailable, i) ? "True" : "False" }] },
            }).ToList();
            var infos = nodes.Select(Layer2Inputs.Node).ToDictionary(n => n.Name, StringComparer.Ordinal);
            var configuration = new MetalLbConfiguration
            {
                Pools = PoolConfiguration.Create([new AddressPoolSpec { Name = "lab", Addresses = ["198.18.0.0/24", "2001:db8::/120"] }]),
                L2Advertisements = [.. Advertisements(selector)],
            };
            var objects = services.Select((s, i) => Service(i, s)).ToList();
            var liveSet = Names.Where((_, i) => Bit(live, i)).ToHashSet(StringComparer.Ordinal);
            var decisions = Names.ToDictionary(me => me, me => SpeakerDecision.Make(
                new Core.Election.Layer2View { MyNode = me, Nodes = infos, LiveSpeakers = liveSet, Pools = Layer2Inputs.Pools(configuration, infos) },
                objects.Select(o => Layer2Inputs.Service(o.Key, o.Service, [o.Slice]))));

            foreach (var (key, _, _) in objects)
            {
                var elected = decisions.Values.Select(d => d.Verdicts[key].Elected).Where(e => e is not null).Distinct().ToList();
                Assert.True(elected.Count <= 1, $"{key}: nodes elect {string.Join(", ", elected)}");
                var announcing = decisions.Where(d => d.Value.Verdicts[key].Announce).Select(d => d.Key).ToList();
                Assert.True(announcing.Count <= 1, $"{key}: announced by {string.Join(", ", announcing)}");
                if (elected.Count == 1)
                {
                    Assert.Equal(elected.Select(e => e!), announcing);
                }
            }

            var owners = decisions.SelectMany(d => d.Value.Desired.Select(a => (a.Address, d.Key))).GroupBy(a => a.Address);
            foreach (var owner in owners)
            {
                // Every Service that needs an address needs it on one node only (a shared address follows each Service's election).
                var needing = decisions.Values.SelectMany(d => d.Desired.Where(a => a.Address == owner.Key).SelectMany(a => a.Services)).ToList();
                Assert.Equal(needing.Count, needing.Distinct(StringComparer.Ordinal).Count());
            }
        }, iter: 500);
    }

    private static bool Bit(int mask, int i) => (mask >> i & 1) == 1;

    private static IEnumerable<L2AdvertisementRule> Advertisements(int selector)
    {
        LabelSelector Zone(string z) => new(new Dictionary<string, string> { ["zone"] = z });
        return selector switch
        {
            0 => [new L2AdvertisementRule { Name = "all", Pools = ["lab"] }],
            1 => [new L2AdvertisementRule { Name = "a", Pools = ["lab"], Scope = new() { NodeSelectors = [Zone("a")], Interfaces = ["eth1"] } }],
            2 => [new L2AdvertisementRule { Name = "b", Pools = ["lab"], Scope = new() { NodeSelectors = [Zone("b")] } }],
            _ =>
            [
                new L2AdvertisementRule { Name = "a", Pools = ["lab"], Scope = new() { NodeSelectors = [Zone("a")], Interfaces = ["eth1"] } },
                new L2AdvertisementRule { Name = "b", Pools = ["lab"], Scope = new() { NodeSelectors = [Zone("b")], Interfaces = ["eth2"] } },
            ],
        };
    }

    // Service i: address 198.18.0.(1 + addr % 4) (so some share), dual-stack or not, ETP Local or not, endpoints on the
    // nodes of the mask, each ready, or serving only, or neither by the conditions code.
    private static (string Key, V1Service Service, V1EndpointSlice Slice) Service(int i, (int Address, bool DualStack, bool Local, int Endpoints, int ServingOnly, int Conditions) s)
    {
        var key = $"apps/s{i}";
        string[] addresses = s.DualStack ? [$"198.18.0.{1 + (s.Address % 4)}", $"2001:db8::{1 + (s.Address % 4)}"] : [$"198.18.0.{1 + (s.Address % 4)}"];
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = $"s{i}", NamespaceProperty = "apps", Annotations = new Dictionary<string, string> { ["metallb.io/allow-shared-ip"] = "all" } },
            Spec = new V1ServiceSpec { Type = "LoadBalancer", ExternalTrafficPolicy = s.Local ? "Local" : "Cluster" },
            Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [.. addresses.Select(a => new V1LoadBalancerIngress { Ip = a })] } },
        };
        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = $"s{i}-x", NamespaceProperty = "apps", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = $"s{i}" } },
            AddressType = "IPv4",
            Endpoints = [.. Names.Where((_, n) => Bit(s.Endpoints, n)).Select((n, k) => new V1Endpoint
            {
                Addresses = ["10.0.0.1"],
                NodeName = n,
                Conditions = s.Conditions == 3 ? null : new V1EndpointConditions { Ready = !Bit(s.ServingOnly, k) && s.Conditions != 2, Serving = s.Conditions == 1 ? null : true },
            })],
        };
        return (key, service, slice);
    }
}
