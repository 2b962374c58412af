using System.Net.Sockets;
using BareLb.Core.Election;
using BareLb.Core.Pools;
using BareLb.Core.Selectors;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration;

/// <summary>
/// Translates metallb.io objects into a <see cref="MetalLbConfiguration"/>: pools go through Core's
/// validation, advertisements have their pool selectors resolved, peers, BFD profiles and communities are
/// checked, and pools that nothing announces get a warning.
/// </summary>
internal sealed class ResourceTranslator
{
    private readonly List<ConfigurationProblem> _problems = [];
    private readonly LegacyOrigins? _origins;
    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);

    private ResourceTranslator(LegacyOrigins? origins) => _origins = origins;

    // The legacy ConfigMap is judged as MetalLB v0.12 judged it; metallb.io objects as v0.16 does.
    private bool Legacy => _origins is not null;

    public static MetalLbConfiguration Translate(MetalLbResources resources, ConfigurationForm form, LegacyOrigins? origins = null, IEnumerable<ConfigurationProblem>? earlier = null)
    {
        var translator = new ResourceTranslator(origins);
        if (earlier is not null)
        {
            translator._problems.AddRange(earlier);
        }

        return translator.Run(resources, form);
    }

    private MetalLbConfiguration Run(MetalLbResources resources, ConfigurationForm form)
    {
        var specs = new List<AddressPoolSpec>();
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var pool in resources.Pools)
        {
            if (TranslatePool(pool) is { } spec)
            {
                specs.Add(spec);
                labels.TryAdd(spec.Name, pool.Metadata?.Labels is { } l ? new Dictionary<string, string>(l, StringComparer.Ordinal) : new Dictionary<string, string>());
            }
        }

        PoolConfiguration? pools = null;
        if (PoolConfiguration.TryCreate(specs, out var created, out var poolErrors))
        {
            pools = created;
        }

        foreach (var error in poolErrors)
        {
            var field = error.Kind == IPAddressPool.KindName && error.Field == "spec.name" ? "metadata.name" : error.Field;
            _problems.Add(new ConfigurationProblem(ProblemSeverity.Error, error.Kind, error.ObjectName, field, error.Message));
        }

        var aliases = CheckCommunities(resources.Communities);
        var profiles = CheckBfdProfiles(resources.BfdProfiles);
        var peers = CheckPeers(resources.BgpPeers, profiles, resources.Secrets);
        var l2 = resources.L2Advertisements.Select(a => TranslateL2(a, labels)).OfType<L2AdvertisementRule>().ToList();
        var bgpSpecs = new Dictionary<string, BGPAdvertisementSpec>(StringComparer.Ordinal);
        var bgp = resources.BgpAdvertisements.Select(a => TranslateBgp(a, labels, aliases, peers, bgpSpecs)).OfType<BgpAdvertisementRule>().ToList();
        CheckAggregation(bgp, specs);
        if (!Legacy)
        {
            BgpRules.CheckLocalPreferences(bgp, bgpSpecs, specs, Report);
            BgpRules.CheckBfdEcho(bgp, specs, resources.BgpPeers, resources.BfdProfiles, Report);
            BgpRules.CheckFrrPeers(resources.BgpPeers, Report);
        }

        // An advertisement with errors still counts as covering its pools: its own error says what to fix.
        // A legacy pool carries its protocol, so it is covered, or its protocol is already an error.
        var unadvertised = specs.Where(s => form != ConfigurationForm.ConfigMap && !_covered.Contains(s.Name)).ToList();
        foreach (var spec in unadvertised)
        {
            Report(ProblemSeverity.Warning, spec.Source.Kind, spec.Source.ObjectName ?? spec.Name, "",
                $"addresses from pool {spec.Name} will not be announced: no L2Advertisement or BGPAdvertisement selects it, so Services get addresses that nothing makes reachable");
        }

        var hasErrors = _problems.Any(p => p.Severity == ProblemSeverity.Error);
        return new MetalLbConfiguration
        {
            Form = form,
            PoolSpecs = specs,
            Pools = hasErrors ? null : pools,
            L2Advertisements = l2,
            BgpAdvertisements = bgp,
            Peers = [.. resources.BgpPeers],
            BfdProfiles = [.. resources.BfdProfiles],
            Problems = [.. _problems],
            UnadvertisedPools = [.. unadvertised.Select(s => s.Name)],
        };
    }

    private void Report(ProblemSeverity severity, string kind, string name, string field, string message)
    {
        if (_origins is not null && _origins.TryMap(kind, name, field, out var mapped))
        {
            _problems.Add(new ConfigurationProblem(severity, LegacyOrigins.Kind, _origins.ObjectName, mapped, message));
            return;
        }

        _problems.Add(new ConfigurationProblem(severity, kind, name, field, message));
    }

    private void ReportAll(string kind, string name, List<(string Field, string Message)> errors)
    {
        foreach (var (field, message) in errors)
        {
            Report(ProblemSeverity.Error, kind, name, field, message);
        }
    }

    private static string NameOf(k8s.Models.V1ObjectMeta? metadata) => metadata?.Name ?? "";

    private AddressPoolSpec? TranslatePool(IPAddressPool pool)
    {
        var name = NameOf(pool.Metadata);
        var spec = pool.Spec ?? new IPAddressPoolSpec();
        var errors = new List<(string Field, string Message)>();
        ServiceAllocationSpec? allocation = null;
        if (spec.ServiceAllocation is { } a)
        {
            allocation = new ServiceAllocationSpec
            {
                Priority = a.Priority,
                Namespaces = [.. a.Namespaces ?? []],
                NamespaceSelectors = LabelSelectors.ConvertAll(a.NamespaceSelectors, "spec.serviceAllocation.namespaceSelectors", errors),
                ServiceSelectors = LabelSelectors.ConvertAll(a.ServiceSelectors, "spec.serviceAllocation.serviceSelectors", errors),
            };
        }

        ReportAll(IPAddressPool.KindName, name, errors);
        return new AddressPoolSpec
        {
            Name = name,
            Addresses = [.. spec.Addresses ?? []],
            AutoAssign = spec.AutoAssign ?? true,
            AvoidBuggyIPs = spec.AvoidBuggyIPs ?? false,
            ServiceAllocation = allocation,
            Source = _origins?.PoolSource(name) ?? new ConfigurationSource(IPAddressPool.KindName, name, "spec"),
        };
    }

    private List<string> ResolvePools(string kind, string name, IList<string>? names, IList<k8s.Models.V1LabelSelector>? selectors, Dictionary<string, IReadOnlyDictionary<string, string>> labels, List<(string, string)> errors)
    {
        var result = new List<string>();
        var byName = names ?? [];
        for (var i = 0; i < byName.Count; i++)
        {
            var first = byName.IndexOf(byName[i]);
            if (byName[i] is null)
            {
                errors.Add(($"spec.ipAddressPools[{i}]", "is empty (null): write a pool's name or remove the entry"));
            }
            else if (first < i)
            {
                errors.Add(($"spec.ipAddressPools[{i}]", $"pool {byName[i]} is listed twice (also spec.ipAddressPools[{first}]): remove one"));
            }
            else if (labels.ContainsKey(byName[i]))
            {
                result.Add(byName[i]);
            }
            else
            {
                Report(ProblemSeverity.Warning, kind, name, $"spec.ipAddressPools[{i}]", $"there is no IPAddressPool named {byName[i]}");
            }
        }

        var converted = LabelSelectors.ConvertAll(selectors, "spec.ipAddressPoolSelectors", errors, unique: !Legacy);
        foreach (var selector in converted)
        {
            result.AddRange(labels.Where(p => selector.Matches(p.Value)).Select(p => p.Key));
        }

        if (byName.Count == 0 && (selectors?.Count ?? 0) == 0)
        {
            result.AddRange(labels.Keys);
        }

        _covered.UnionWith(result);
        return [.. result.Where(r => r is not null).Distinct(StringComparer.Ordinal)];
    }

    private L2AdvertisementRule? TranslateL2(L2Advertisement advertisement, Dictionary<string, IReadOnlyDictionary<string, string>> labels)
    {
        var name = NameOf(advertisement.Metadata);
        var spec = advertisement.Spec ?? new L2AdvertisementSpec();
        var errors = new List<(string Field, string Message)>();
        var pools = ResolvePools(L2Advertisement.KindName, name, spec.IPAddressPools, spec.IPAddressPoolSelectors, labels, errors);
        var nodes = LabelSelectors.ConvertAll(spec.NodeSelectors, "spec.nodeSelectors", errors);
        var services = LabelSelectors.ConvertAll(spec.ServiceSelectors, "spec.serviceSelectors", errors);
        var preferences = Preferences(spec.PreferredNodeSelectors, errors);
        var interfaces = spec.Interfaces ?? [];
        for (var i = 0; i < interfaces.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(interfaces[i]) || interfaces[i].Length > 15 || interfaces[i].Any(c => c is '/' or ' ' or ':'))
            {
                errors.Add(($"spec.interfaces[{i}]", $"\"{interfaces[i]}\" is not an interface name (1 to 15 characters, no '/', ':' or spaces)"));
            }
        }

        ReportAll(L2Advertisement.KindName, name, errors);
        return errors.Count > 0 ? null : new L2AdvertisementRule
        {
            Name = name,
            Pools = pools,
            Scope = new AdvertisementScope { NodeSelectors = nodes, Interfaces = [.. interfaces.OfType<string>()], PreferredNodes = preferences },
            ServiceSelectors = services,
        };
    }

    /// <summary>
    /// <c>spec.preferredNodeSelectors</c>: each entry's weight must be 1 to 100 (the CRD's bounds, checked here too for
    /// API servers that do not validate) and its preference a valid selector; a missing preference selects every node.
    /// </summary>
    private static List<NodePreference> Preferences(IList<PreferredNodeSelector>? entries, List<(string Field, string Message)> errors)
    {
        var result = new List<NodePreference>();
        for (var i = 0; i < (entries?.Count ?? 0); i++)
        {
            var field = $"spec.preferredNodeSelectors[{i}]";
            if (entries![i] is not { } entry)
            {
                errors.Add((field, "is empty (null): write a weight and a preference, or remove the entry"));
                continue;
            }

            if (entry.Weight is < NodePreference.MinimumWeight or > NodePreference.MaximumWeight)
            {
                errors.Add(($"{field}.weight", $"{entry.Weight} is outside {NodePreference.MinimumWeight} to {NodePreference.MaximumWeight}"));
            }

            if (LabelSelectors.Convert(entry.Preference, $"{field}.preference", errors) is { } preference
                && entry.Weight is >= NodePreference.MinimumWeight and <= NodePreference.MaximumWeight)
            {
                result.Add(new NodePreference(entry.Weight, preference));
            }
        }

        return result;
    }

    private BgpAdvertisementRule? TranslateBgp(BGPAdvertisement advertisement, Dictionary<string, IReadOnlyDictionary<string, string>> labels, Dictionary<string, string> aliases, HashSet<string> peers, Dictionary<string, BGPAdvertisementSpec> specs)
    {
        var name = NameOf(advertisement.Metadata);
        var spec = advertisement.Spec ?? new BGPAdvertisementSpec();
        specs.TryAdd(name, spec);
        var errors = new List<(string Field, string Message)>();
        var pools = ResolvePools(BGPAdvertisement.KindName, name, spec.IPAddressPools, spec.IPAddressPoolSelectors, labels, errors);
        var minimum = Legacy ? 0 : 1; // the CRD's minimum; v0.12 let the aggregation check refuse 0
        if (spec.AggregationLength < minimum || spec.AggregationLength > 32)
        {
            errors.Add(("spec.aggregationLength", $"{spec.AggregationLength} is not an IPv4 prefix length ({minimum} to 32)"));
        }

        if (spec.AggregationLengthV6 is < 0 or > 128)
        {
            errors.Add(("spec.aggregationLengthV6", $"{spec.AggregationLengthV6} is not an IPv6 prefix length (0 to 128)"));
        }

        if (!Legacy && spec.ServiceSelectors is { Count: > 0 } && (spec.AggregationLength is not (null or 32) || spec.AggregationLengthV6 is not (null or 128)))
        {
            errors.Add((spec.AggregationLength is not (null or 32) ? "spec.aggregationLength" : "spec.aggregationLengthV6",
                "cannot be set with serviceSelectors: an advertisement that selects Services announces each address alone; leave the aggregation lengths at 32 and 128, or drop serviceSelectors"));
        }

        _ = LabelSelectors.ConvertAll(spec.ServiceSelectors, "spec.serviceSelectors", errors);
        var communities = new List<string>();
        var written = spec.Communities ?? [];
        for (var i = 0; i < written.Count; i++)
        {
            var first = written.IndexOf(written[i]);
            if (written[i] is null)
            {
                errors.Add(($"spec.communities[{i}]", "is empty (null): write a community or remove the entry"));
            }
            else if (first < i)
            {
                errors.Add(($"spec.communities[{i}]", $"community {written[i]} is listed twice (also communities[{first}]): remove one"));
            }
            else if (aliases.TryGetValue(written[i], out var value))
            {
                communities.Add(value);
            }
            else if (BgpValueSyntax.IsCommunityValue(written[i], out var why, legacyOnly: Legacy))
            {
                communities.Add(written[i]);
            }
            else
            {
                errors.Add(($"spec.communities[{i}]", $"{why}, or the name of a {(Legacy ? "bgp-communities alias" : "Community alias")} (none is named so)"));
            }
        }

        var peerNames = spec.Peers ?? [];
        for (var i = 0; i < peerNames.Count; i++)
        {
            var first = peerNames.IndexOf(peerNames[i]);
            if (first < i)
            {
                errors.Add(($"spec.peers[{i}]", $"peer {peerNames[i]} is listed twice (also spec.peers[{first}]): remove one"));
            }
            else if (!peers.Contains(peerNames[i] ?? ""))
            {
                Report(ProblemSeverity.Warning, BGPAdvertisement.KindName, name, $"spec.peers[{i}]", $"there is no BGPPeer named {peerNames[i]}");
            }
        }

        var nodes = LabelSelectors.ConvertAll(spec.NodeSelectors, "spec.nodeSelectors", errors);
        ReportAll(BGPAdvertisement.KindName, name, errors);
        return errors.Count > 0 ? null : new BgpAdvertisementRule
        {
            Name = name,
            Pools = pools,
            AggregationLength = spec.AggregationLength ?? 32,
            AggregationLengthV6 = spec.AggregationLengthV6 ?? 128,
            LocalPref = spec.LocalPref,
            Communities = communities,
            NodeSelectors = nodes,
            Peers = [.. peerNames.OfType<string>()],
        };
    }

    private void CheckAggregation(List<BgpAdvertisementRule> advertisements, List<AddressPoolSpec> specs)
    {
        var byName = specs.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var advertisement in advertisements.Where(a => a.AggregationLength < 32 || a.AggregationLengthV6 < 128))
        {
            foreach (var pool in advertisement.Pools)
            {
                if (byName.TryGetValue(pool, out var spec)
                    && AggregationCheck.Check(pool, spec.Addresses, advertisement.AggregationLength, advertisement.AggregationLengthV6) is { } why)
                {
                    var field = why.StartsWith("aggregationLengthV6", StringComparison.Ordinal) ? "spec.aggregationLengthV6" : "spec.aggregationLength";
                    Report(ProblemSeverity.Error, BGPAdvertisement.KindName, advertisement.Name, field, why);
                }
            }
        }
    }

    private Dictionary<string, string> CheckCommunities(IList<Community> communities)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var community in communities)
        {
            var name = NameOf(community.Metadata);
            var errors = new List<(string Field, string Message)>();
            var list = community.Spec?.Communities ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                var alias = list[i] ?? new CommunityAlias();
                if (string.IsNullOrEmpty(alias.Name))
                {
                    errors.Add(($"spec.communities[{i}].name", "an alias needs a name"));
                }
                else if (!aliases.TryAdd(alias.Name, alias.Value ?? ""))
                {
                    errors.Add(($"spec.communities[{i}].name", $"the alias {alias.Name} is defined twice (also {owners[alias.Name]})"));
                }
                else if (!BgpValueSyntax.IsCommunityValue(alias.Value ?? "", out var why, legacyOnly: Legacy))
                {
                    // The alias stays known, so that advertisements using it are not reported as well.
                    errors.Add(($"spec.communities[{i}].value", why!));
                }

                if (!string.IsNullOrEmpty(alias.Name))
                {
                    owners.TryAdd(alias.Name, $"Community {name} spec.communities[{i}]");
                }
            }

            ReportAll(Community.KindName, name, errors);
        }

        return aliases;
    }

    private HashSet<string> CheckBfdProfiles(IList<BFDProfile> profiles)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var profile in profiles)
        {
            var name = NameOf(profile.Metadata);
            var spec = profile.Spec ?? new BFDProfileSpec();
            var errors = new List<(string Field, string Message)>();
            void Range(uint? value, string field, uint min, uint max)
            {
                if (value is { } v && (v < min || v > max))
                {
                    errors.Add((field, $"{v} is out of range: allowed {min} to {max}"));
                }
            }

            Range(spec.ReceiveInterval, "spec.receiveInterval", 10, 60000);
            Range(spec.TransmitInterval, "spec.transmitInterval", 10, 60000);
            Range(spec.EchoInterval, "spec.echoInterval", 10, 60000);
            Range(spec.DetectMultiplier, "spec.detectMultiplier", 2, 255);
            Range(spec.MinimumTtl, "spec.minimumTtl", 1, 254);
            if (!names.Add(name))
            {
                errors.Add(("metadata.name", $"the BFD profile {name} is defined twice"));
            }

            ReportAll(BFDProfile.KindName, name, errors);
        }

        return names;
    }

    private HashSet<string> CheckPeers(IList<BGPPeer> peers, HashSet<string> profiles, IDictionary<string, k8s.Models.V1Secret> secrets)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var legacyKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var peer in peers)
        {
            var name = NameOf(peer.Metadata);
            names.Add(name);
            var spec = peer.Spec ?? new BGPPeerSpec();
            var errors = new List<(string Field, string Message)>();
            CheckAsns(spec, errors);
            CheckAddresses(spec, errors);
            var timersOk = Legacy ? PeerTimers.CheckLegacy(spec, errors, out var hold, out var keepalive) : PeerTimers.Check(spec, errors, out hold, out keepalive);
            if (!Legacy)
            {
                PeerTimers.CheckConnectTime(spec, errors);
                CheckPassword(spec, secrets, errors);
                if (spec.PeerPort > 16384)
                {
                    errors.Add(("spec.peerPort", $"{spec.PeerPort} is above 16384, the highest port MetalLB's CRD allows; BGP listens on 179"));
                }

                if (spec.DisableMP is true)
                {
                    Report(ProblemSeverity.Warning, BGPPeer.KindName, name, "spec.disableMP", "is deprecated and has no effect: one session per address family is the default now");
                }
            }

            if (spec.PeerPort is 0)
            {
                errors.Add(("spec.peerPort", "port 0 cannot be dialled; leave it out for 179"));
            }

            if (!string.IsNullOrEmpty(spec.BfdProfile) && !profiles.Contains(spec.BfdProfile))
            {
                errors.Add(("spec.bfdProfile", $"there is no BFDProfile named {spec.BfdProfile}"));
            }

            _ = LabelSelectors.ConvertAll(spec.NodeSelectors, "spec.nodeSelectors", errors, unique: !Legacy);
            if (Legacy && errors.Count == 0 && timersOk)
            {
                // v0.12 refused a peer equal to an earlier one once defaults were filled in.
                var key = PeerTimers.LegacyIdentity(spec, hold, keepalive);
                var here = _origins!.TryMap(BGPPeer.KindName, name, "", out var mapped) ? mapped : name;
                if (legacyKeys.TryGetValue(key, out var other))
                {
                    errors.Add(("", $"is the same peer as {other}: remove one"));
                }
                else
                {
                    legacyKeys.Add(key, here);
                }
            }

            ReportAll(BGPPeer.KindName, name, errors);
        }

        return names;
    }

    private static void CheckAsns(BGPPeerSpec spec, List<(string Field, string Message)> errors)
    {
        if (spec.MyAsn is null or 0)
        {
            errors.Add(("spec.myASN", "the local AS number is missing (1 to 4294967295)"));
        }

        if (spec.PeerAsn is null or 0 && spec.DynamicAsn is null or "")
        {
            errors.Add(("spec.peerASN", "the peer's AS number is missing (1 to 4294967295), or set dynamicASN"));
        }
        else if (spec.PeerAsn is > 0 && spec.DynamicAsn is not (null or ""))
        {
            errors.Add(("spec.dynamicASN", "set either peerASN or dynamicASN, not both"));
        }
        else if (spec.DynamicAsn is not (null or "" or "internal" or "external"))
        {
            errors.Add(("spec.dynamicASN", $"\"{spec.DynamicAsn}\" is neither internal nor external"));
        }

        if (spec.LocalAsn is 0)
        {
            errors.Add(("spec.localASN", "0 is not an AS number (1 to 4294967295); leave it out to use myASN"));
        }

        if (spec.EbgpMultiHop is true && spec.PeerAsn is { } peerAsn && peerAsn == spec.MyAsn)
        {
            errors.Add(("spec.ebgpMultiHop", $"is set on an iBGP session (myASN and peerASN are both {peerAsn}): multi-hop applies to eBGP only; remove it"));
        }
    }

    private void CheckAddresses(BGPPeerSpec spec, List<(string Field, string Message)> errors)
    {
        var hasInterface = !string.IsNullOrEmpty(spec.Interface);
        if (string.IsNullOrEmpty(spec.PeerAddress))
        {
            if (!hasInterface)
            {
                errors.Add(("spec.peerAddress", Legacy ? "the peer's address is missing" : "the peer's address is missing: set peerAddress, or interface for an unnumbered session"));
            }
        }
        else if (hasInterface)
        {
            errors.Add(("spec.interface", "set either peerAddress or interface, not both"));
        }
        else if (!BgpValueSyntax.IsAddress(spec.PeerAddress))
        {
            errors.Add(("spec.peerAddress", $"\"{spec.PeerAddress}\" is not an IP address (IPv4 as four decimal parts, or IPv6)"));
        }

        if (!string.IsNullOrEmpty(spec.SourceAddress) && !BgpValueSyntax.IsAddress(spec.SourceAddress))
        {
            errors.Add(("spec.sourceAddress", $"\"{spec.SourceAddress}\" is not an IP address (IPv4 as four decimal parts, or IPv6)"));
        }

        if (!string.IsNullOrEmpty(spec.RouterId) && !BgpValueSyntax.IsAddress(spec.RouterId, AddressFamily.InterNetwork))
        {
            errors.Add(("spec.routerID", $"\"{spec.RouterId}\" is not an IPv4 address (a BGP identifier is 32 bits)"));
        }
    }

    private static void CheckPassword(BGPPeerSpec spec, IDictionary<string, k8s.Models.V1Secret> secrets, List<(string Field, string Message)> errors)
    {
        var secretName = spec.PasswordSecret?.Name;
        if (string.IsNullOrEmpty(secretName))
        {
            return;
        }

        if (!string.IsNullOrEmpty(spec.Password))
        {
            errors.Add(("spec.passwordSecret", "set either password or passwordSecret, not both"));
            return;
        }

        if (!secrets.TryGetValue(secretName, out var secret))
        {
            return; // MetalLB waits for it; a file check cannot know the cluster's Secrets
        }

        if (secret.Type != "kubernetes.io/basic-auth")
        {
            errors.Add(("spec.passwordSecret.name", $"Secret {secretName} has type {secret.Type ?? "Opaque"}; a BGP password Secret has type kubernetes.io/basic-auth"));
        }
        else if (secret.Data?.ContainsKey("password") != true && secret.StringData?.ContainsKey("password") != true)
        {
            errors.Add(("spec.passwordSecret.name", $"Secret {secretName} has no key password"));
        }
    }
}
