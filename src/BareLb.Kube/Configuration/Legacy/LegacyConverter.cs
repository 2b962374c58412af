using BareLb.Kube.Configuration.Api;
using k8s.Models;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>
/// Turns MetalLB v0.12's configuration document into the equivalent metallb.io objects: a pool becomes an
/// IPAddressPool plus an L2Advertisement (protocol layer2) or one BGPAdvertisement per
/// bgp-advertisements entry (one with defaults when there is none); peers become BGPPeers, bfd-profiles
/// BFDProfiles, bgp-communities one Community. What only the legacy form can get wrong (a missing or
/// unknown protocol, bgp-advertisements on a layer 2 pool) is reported here at the legacy field.
/// </summary>
internal static class LegacyConverter
{
    public const string CommunityObjectName = "bgp-communities";

    public static (MetalLbResources Resources, LegacyOrigins Origins, List<ConfigurationProblem> Problems) Convert(LegacyConfigFile file, string @namespace, string objectName)
    {
        var resources = new MetalLbResources();
        var origins = new LegacyOrigins(objectName);
        var problems = new List<ConfigurationProblem>();
        void Fail(string field, string message) => problems.Add(new ConfigurationProblem(ProblemSeverity.Error, LegacyOrigins.Kind, objectName, field, message));
        V1ObjectMeta Meta(string name) => new() { Name = name, NamespaceProperty = @namespace };

        var pools = file.AddressPools ?? [];
        for (var i = 0; i < pools.Count; i++)
        {
            var pool = pools[i] ?? new LegacyAddressPool();
            var prefix = $"address-pools[{i}]";
            var name = pool.Name ?? "";
            if (name.Length == 0)
            {
                Fail($"{prefix}.name", "a pool needs a name");
                continue;
            }

            origins.Add(IPAddressPool.KindName, name, prefix);
            resources.Pools.Add(new IPAddressPool
            {
                Metadata = Meta(name),
                Spec = new IPAddressPoolSpec
                {
                    Addresses = [.. pool.Addresses ?? []],
                    AutoAssign = pool.AutoAssign is false ? false : null,
                    AvoidBuggyIPs = pool.AvoidBuggyIPs is true ? true : null,
                },
            });

            var advertisements = pool.BgpAdvertisements ?? [];
            switch (pool.Protocol)
            {
                case "layer2":
                    if (advertisements.Count > 0)
                    {
                        Fail($"{prefix}.bgp-advertisements", $"pool {name} has protocol {pool.Protocol}: bgp-advertisements apply to protocol bgp only");
                    }

                    var l2Name = $"{name}-l2";
                    origins.Add(L2Advertisement.KindName, l2Name, prefix);
                    resources.L2Advertisements.Add(new L2Advertisement { Metadata = Meta(l2Name), Spec = new L2AdvertisementSpec { IPAddressPools = [name] } });
                    break;
                case "bgp":
                    if (advertisements.Count == 0)
                    {
                        var bgpName = $"{name}-bgp";
                        origins.Add(BGPAdvertisement.KindName, bgpName, prefix);
                        resources.BgpAdvertisements.Add(new BGPAdvertisement { Metadata = Meta(bgpName), Spec = new BGPAdvertisementSpec { IPAddressPools = [name] } });
                    }

                    for (var j = 0; j < advertisements.Count; j++)
                    {
                        var advertisement = advertisements[j] ?? new LegacyBgpAdvertisement();
                        var same = advertisements.Take(j).ToList().FindIndex(a => SameAdvertisement(a ?? new LegacyBgpAdvertisement(), advertisement));
                        if (same >= 0)
                        {
                            Fail($"{prefix}.bgp-advertisements[{j}]", $"is the same advertisement as {prefix}.bgp-advertisements[{same}]: remove one");
                            continue;
                        }

                        var bgpName = advertisements.Count == 1 ? $"{name}-bgp" : $"{name}-bgp-{j + 1}";
                        origins.Add(BGPAdvertisement.KindName, bgpName, $"{prefix}.bgp-advertisements[{j}]");
                        resources.BgpAdvertisements.Add(new BGPAdvertisement
                        {
                            Metadata = Meta(bgpName),
                            Spec = new BGPAdvertisementSpec
                            {
                                IPAddressPools = [name],
                                AggregationLength = advertisement.AggregationLength,
                                AggregationLengthV6 = advertisement.AggregationLengthV6,
                                LocalPref = advertisement.LocalPref,
                                Communities = advertisement.Communities is { Count: > 0 } c ? [.. c] : null,
                            },
                        });
                    }

                    break;
                case null or "":
                    Fail($"{prefix}.protocol", $"pool {name} has no protocol: write layer2 or bgp");
                    break;
                default:
                    Fail($"{prefix}.protocol", $"unknown protocol \"{pool.Protocol}\" in pool {name}: write layer2 or bgp");
                    break;
            }
        }

        var peers = file.Peers ?? [];
        for (var i = 0; i < peers.Count; i++)
        {
            var peer = peers[i] ?? new LegacyPeer();
            var name = $"peer{i + 1}";
            origins.Add(BGPPeer.KindName, name, $"peers[{i}]");
            resources.BgpPeers.Add(new BGPPeer
            {
                Metadata = Meta(name),
                Spec = new BGPPeerSpec
                {
                    MyAsn = peer.MyAsn,
                    PeerAsn = peer.PeerAsn,
                    PeerAddress = peer.PeerAddress,
                    SourceAddress = NullIfEmpty(peer.SourceAddress),
                    PeerPort = peer.PeerPort is 0 ? null : peer.PeerPort, // MetalLB read 0 as "the default, 179"
                    HoldTime = NullIfEmpty(peer.HoldTime),
                    KeepaliveTime = NullIfEmpty(peer.KeepaliveTime),
                    RouterId = NullIfEmpty(peer.RouterId),
                    Password = NullIfEmpty(peer.Password),
                    BfdProfile = NullIfEmpty(peer.BfdProfile),
                    EbgpMultiHop = peer.EbgpMultiHop is true ? true : null,
                    NodeSelectors = peer.NodeSelectors?.Select(s => s ?? new LegacyNodeSelector()).Select(s => new V1LabelSelector
                    {
                        MatchLabels = s.MatchLabels,
                        MatchExpressions = s.MatchExpressions?.Select(e => e ?? new LegacySelectorRequirement()).Select(e => new V1LabelSelectorRequirement
                        {
                            Key = e.Key ?? "",
                            OperatorProperty = e.Operator ?? "",
                            Values = e.Values,
                        }).ToList(),
                    }).ToList(),
                },
            });
        }

        var profiles = file.BfdProfiles ?? [];
        for (var i = 0; i < profiles.Count; i++)
        {
            var profile = profiles[i] ?? new LegacyBfdProfile();
            if (string.IsNullOrEmpty(profile.Name))
            {
                Fail($"bfd-profiles[{i}].name", "a BFD profile needs a name");
                continue;
            }

            var twin = profiles.Take(i).ToList().FindIndex(p => p?.Name == profile.Name);
            if (twin >= 0)
            {
                Fail($"bfd-profiles[{i}].name", $"the BFD profile {profile.Name} is defined twice (also bfd-profiles[{twin}]): rename or remove one");
                continue;
            }

            origins.Add(BFDProfile.KindName, profile.Name, $"bfd-profiles[{i}]");
            resources.BfdProfiles.Add(new BFDProfile
            {
                Metadata = Meta(profile.Name),
                Spec = new BFDProfileSpec
                {
                    ReceiveInterval = profile.ReceiveInterval,
                    TransmitInterval = profile.TransmitInterval,
                    DetectMultiplier = profile.DetectMultiplier,
                    EchoInterval = profile.EchoInterval,
                    EchoMode = profile.EchoMode,
                    PassiveMode = profile.PassiveMode,
                    MinimumTtl = profile.MinimumTtl,
                },
            });
        }

        if (file.BgpCommunities is { Count: > 0 } communities)
        {
            origins.Add(Community.KindName, CommunityObjectName, "bgp-communities");
            var index = 0;
            foreach (var alias in communities.Keys)
            {
                origins.AddField(Community.KindName, CommunityObjectName, $"spec.communities[{index}].value", $"bgp-communities.{alias}");
                origins.AddField(Community.KindName, CommunityObjectName, $"spec.communities[{index}].name", $"bgp-communities.{alias}");
                index++;
            }

            resources.Communities.Add(new Community
            {
                Metadata = Meta(CommunityObjectName),
                Spec = new CommunitySpec { Communities = [.. communities.Select(c => new CommunityAlias { Name = c.Key, Value = c.Value })] },
            });
        }

        return (resources, origins, problems);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    // v0.12 compared the entries as written (reflect.DeepEqual): the same fields, the same communities in the same order.
    private static bool SameAdvertisement(LegacyBgpAdvertisement a, LegacyBgpAdvertisement b) =>
        a.AggregationLength == b.AggregationLength && a.AggregationLengthV6 == b.AggregationLengthV6 && a.LocalPref == b.LocalPref
        && (a.Communities ?? []).SequenceEqual(b.Communities ?? [], StringComparer.Ordinal) && (a.Communities is null) == (b.Communities is null);
}
