using BareLb.Core.Addresses;
using BareLb.Core.Pools;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration;

/// <summary>
/// MetalLB v0.16's checks across BGP objects (not made on the legacy ConfigMap, which v0.12 judged without them):
/// one local preference per route, no BFD echo mode on IPv6 sessions, and FRR's rules for peers that share a node.
/// A check offline cannot see the cluster's nodes: advertisements and peers are taken to share a node unless both
/// select nodes, differently.
/// </summary>
internal static class BgpRules
{
    public delegate void Reporter(ProblemSeverity severity, string kind, string name, string field, string message);

    /// <summary>Two advertisements of one pool may not give its routes different local preferences (MetalLB's BGPAdvertisementsHaveCompatibleLocalPref).</summary>
    public static void CheckLocalPreferences(List<BgpAdvertisementRule> rules, Dictionary<string, BGPAdvertisementSpec> specs, List<AddressPoolSpec> pools, Reporter report)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pool in pools)
        {
            var families = FamiliesOf(pool);
            var earlier = new List<BgpAdvertisementRule>();
            foreach (var rule in rules.Where(r => r.Pools.Contains(pool.Name, StringComparer.Ordinal)))
            {
                if (specs.TryGetValue(rule.Name, out var spec) && spec.ServiceSelectors is { Count: > 0 })
                {
                    continue;
                }

                foreach (var other in earlier)
                {
                    if (!Compatible(rule, other, specs, families) && reported.Add(rule.Name))
                    {
                        report(ProblemSeverity.Error, BGPAdvertisement.KindName, rule.Name, "spec.localPref",
                            $"{rule.LocalPref ?? 0} conflicts with localPref {other.LocalPref ?? 0} of BGPAdvertisement {other.Name}: both announce pool {pool.Name} with the same aggregation to the same peers from the same nodes; give them one localPref, or tell them apart by peers, nodeSelectors or aggregation length");
                    }
                }

                earlier.Add(rule);
            }
        }
    }

    private static bool Compatible(BgpAdvertisementRule a, BgpAdvertisementRule b, Dictionary<string, BGPAdvertisementSpec> specs, (bool V4, bool V6) families)
    {
        if ((a.LocalPref ?? 0) == (b.LocalPref ?? 0))
        {
            return true;
        }

        var v4Differs = a.AggregationLength != b.AggregationLength;
        var v6Differs = a.AggregationLengthV6 != b.AggregationLengthV6;
        if ((!families.V4 && !families.V6) || (v4Differs && !families.V6) || (v6Differs && !families.V4) || (v4Differs && v6Differs))
        {
            return true;
        }

        if (a.Peers.Count > 0 && b.Peers.Count > 0 && !a.Peers.Intersect(b.Peers, StringComparer.Ordinal).Any())
        {
            return true;
        }

        return !MayShareNodes(specs.GetValueOrDefault(a.Name)?.NodeSelectors, specs.GetValueOrDefault(b.Name)?.NodeSelectors);
    }

    /// <summary>MetalLB refuses BFD echo mode on a peer that an advertisement of an IPv6 pool is sent to.</summary>
    public static void CheckBfdEcho(List<BgpAdvertisementRule> rules, List<AddressPoolSpec> pools, IList<BGPPeer> peers, IList<BFDProfile> profiles, Reporter report)
    {
        var echo = profiles.Where(p => p.Spec?.EchoMode is true).Select(p => p.Metadata?.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (echo.Count == 0)
        {
            return;
        }

        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pool in pools.Where(p => FamiliesOf(p).V6))
        {
            foreach (var rule in rules.Where(r => r.Pools.Contains(pool.Name, StringComparer.Ordinal)))
            {
                foreach (var peer in peers)
                {
                    var name = peer.Metadata?.Name ?? "";
                    var profile = peer.Spec?.BfdProfile;
                    if (profile is not null && echo.Contains(profile) && (rule.Peers.Count == 0 || rule.Peers.Contains(name, StringComparer.Ordinal)) && reported.Add(name))
                    {
                        report(ProblemSeverity.Error, BGPPeer.KindName, name, "spec.bfdProfile",
                            $"BFDProfile {profile} has echoMode, which IPv6 sessions cannot use, and BGPAdvertisement {rule.Name} announces IPv6 pool {pool.Name} to this peer: turn echoMode off or use a profile without it");
                    }
                }
            }
        }
    }

    /// <summary>FRR runs one BGP router per node and VRF: peers that share a node need one router ID and one myASN per VRF, and distinct addresses.</summary>
    public static void CheckFrrPeers(IList<BGPPeer> peers, Reporter report)
    {
        for (var i = 0; i < peers.Count; i++)
        {
            var p = peers[i].Spec ?? new BGPPeerSpec();
            var name = peers[i].Metadata?.Name ?? "";
            for (var j = 0; j < i; j++)
            {
                var q = peers[j].Spec ?? new BGPPeerSpec();
                var other = peers[j].Metadata?.Name ?? "";
                if (!MayShareNodes(p.NodeSelectors, q.NodeSelectors))
                {
                    continue;
                }

                if ((p.RouterId ?? "") != (q.RouterId ?? ""))
                {
                    report(ProblemSeverity.Error, BGPPeer.KindName, name, "spec.routerID",
                        $"\"{p.RouterId}\" differs from BGPPeer {other}'s \"{q.RouterId}\": FRR runs one BGP router per node, so peers that select the same node need the same routerID");
                    break;
                }

                if (Identifier(p) == Identifier(q))
                {
                    report(ProblemSeverity.Error, BGPPeer.KindName, name, string.IsNullOrEmpty(p.PeerAddress) ? "spec.interface" : "spec.peerAddress",
                        $"BGPPeer {other} already peers with {Identifier(q)} from the same nodes: FRR holds one session per neighbor; merge the two or give them different nodeSelectors");
                    break;
                }

                if (p.MyAsn != q.MyAsn && (p.Vrf ?? "") == (q.Vrf ?? ""))
                {
                    report(ProblemSeverity.Error, BGPPeer.KindName, name, "spec.myASN",
                        $"{p.MyAsn} differs from BGPPeer {other}'s myASN {q.MyAsn} in the same VRF: FRR runs one BGP router per node and VRF; use one myASN (or localASN for this peer)");
                    break;
                }
            }
        }
    }

    private static string Identifier(BGPPeerSpec spec)
    {
        var id = string.IsNullOrEmpty(spec.PeerAddress) ? spec.Interface ?? "" : spec.PeerAddress;
        return string.IsNullOrEmpty(spec.Vrf) ? id : $"{id}-{spec.Vrf}";
    }

    // Without the cluster's nodes: selectors that both say something, and differently, may select disjoint nodes.
    private static bool MayShareNodes(IList<k8s.Models.V1LabelSelector>? a, IList<k8s.Models.V1LabelSelector>? b)
    {
        if (a is not { Count: > 0 } || b is not { Count: > 0 })
        {
            return true;
        }

        return a.Select(Serialization.KubeJson.Serialize).SequenceEqual(b.Select(Serialization.KubeJson.Serialize), StringComparer.Ordinal);
    }

    private static (bool V4, bool V6) FamiliesOf(AddressPoolSpec pool)
    {
        var v4 = false;
        var v6 = false;
        foreach (var text in pool.Addresses)
        {
            if (IPRange.TryParse(text, out var range))
            {
                v4 |= range.Family == IPFamily.IPv4;
                v6 |= range.Family == IPFamily.IPv6;
            }
        }

        return (v4, v6);
    }
}
