using k8s;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Deploy;

/// <summary>
/// BareLb's RBAC beside MetalLB's: every permission deploy/barelb.yaml grants a ServiceAccount, compared with what
/// MetalLB's own manifests grant the same ServiceAccount (read from metallb/metallb config/manifests/metallb-native.yaml
/// and abridged to the resources that matter here). The speaker needs nothing beyond MetalLB's speaker in the releases
/// that write ServiceL2Status and read their own Pod (v0.14.6 to v0.16.1) but the one documented, optional read of
/// kube-system/kube-proxy; beyond v0.13.12's speaker, only grants it goes without (ServiceL2StatusForbiddenTests). The
/// controller's extra permissions (against the intersection of v0.13.12 to v0.16.1) are listed, one by one, so that a
/// new one cannot slip in unnoticed.
/// </summary>
public sealed class RbacCompatibilityTests
{
    private const string Ns = "metallb-system";
    private const string Cluster = "*cluster*";

    private static readonly string[] ConfigKinds = ["ipaddresspools", "l2advertisements", "bgpadvertisements", "bgppeers", "bfdprofiles", "communities"];

    private static readonly HashSet<Grant> MetalLbController =
    [
        .. Grants(Ns, "", ["secrets"], null, "create", "delete", "get", "list", "patch", "update", "watch"),
        .. Grants(Ns, "apps", ["deployments"], "controller", "get"),
        .. Grants(Ns, "metallb.io", ["bgppeers"], null, "get", "list"),
        .. Grants(Ns, "metallb.io", ["ipaddresspools", "l2advertisements", "bgpadvertisements", "bfdprofiles", "communities"], null, "get", "list", "watch"),
        .. Grants(Cluster, "", ["services", "namespaces"], null, "get", "list", "watch"),
        .. Grants(Cluster, "", ["nodes"], null, "list"),
        .. Grants(Cluster, "", ["services/status"], null, "update"),
        .. Grants(Cluster, "", ["events"], null, "create", "patch"),
    ];

    /// <summary>MetalLB v0.13.12's speaker (v0.14.0 to v0.14.5 add the ServiceL2Status rule only).</summary>
    private static readonly HashSet<Grant> MetalLbSpeakerV013 =
    [
        .. Grants(Ns, "", ["pods"], null, "list"),
        .. Grants(Ns, "", ["secrets", "configmaps"], null, "get", "list", "watch"),
        .. Grants(Ns, "metallb.io", ConfigKinds, null, "get", "list", "watch"),
        .. Grants(Cluster, "", ["services", "endpoints", "nodes", "namespaces"], null, "get", "list", "watch"),
        .. Grants(Cluster, "discovery.k8s.io", ["endpointslices"], null, "get", "list", "watch"),
        .. Grants(Cluster, "", ["events"], null, "create", "patch"),
    ];

    /// <summary>MetalLB v0.14.6 to v0.16.1's speaker: v0.13.12's, plus <c>get</c> on its Pods and everything on ServiceL2Status.</summary>
    private static readonly HashSet<Grant> MetalLbSpeaker =
    [
        .. MetalLbSpeakerV013,
        .. Grants(Ns, "", ["pods"], null, "get"),
        .. Grants(Cluster, "metallb.io", ["servicel2statuses", "servicel2statuses/status"], null, "*"),
    ];

    /// <summary>The speaker's one addition to MetalLB's grants: optional, the strictARP check is skipped when it is refused.</summary>
    private static readonly HashSet<Grant> SpeakerBeyondMetalLb =
    [
        .. Grants("kube-system", "", ["configmaps"], "kube-proxy", "get", "list", "watch"),
    ];

    /// <summary>What the speaker has beyond MetalLB v0.13.12's speaker: each one it goes without under those manifests.</summary>
    private static readonly HashSet<Grant> SpeakerBeyondMetalLbV013 =
    [
        .. SpeakerBeyondMetalLb,
        // The owner reference of the ServiceL2Status objects: written without an owner when refused.
        .. Grants(Ns, "", ["pods"], null, "get"),
        // ServiceL2Status, new in v0.14: the refusal is logged once, the speaker announces without the objects.
        .. Grants(Cluster, "metallb.io", ["servicel2statuses", "servicel2statuses/status"], null, "*"),
    ];

    /// <summary>What barelb-controller needs beyond MetalLB's controller, and why (see the README, "Deploying").</summary>
    private static readonly HashSet<Grant> ControllerBeyondMetalLb =
    [
        // The legacy ConfigMap: MetalLB 0.13 dropped it (its pod-lister Role reaches the controller from 0.16 on).
        .. Grants(Ns, "", ["configmaps"], null, "get", "list", "watch"),
        // BGPPeers are watched like the other kinds; MetalLB's controller Role lists them only.
        .. Grants(Ns, "metallb.io", ["bgppeers"], null, "watch"),
        // Status conditions on every kind, written as merge patches (MetalLB updates ipaddresspools/status, from 0.15).
        .. Grants(Ns, "metallb.io", [.. ConfigKinds.Select(k => k + "/status")], null, "patch"),
        // Leader election between two replicas; MetalLB runs one.
        .. Grants(Ns, "coordination.k8s.io", ["leases"], null, "get", "create", "update"),
    ];

    [Fact]
    public void Speaker_NeedsNothingBeyondMetalLb014Speaker_ButTheOptionalKubeProxyRead()
    {
        var ours = GrantsOf(Manifests(), "speaker");
        var beyond = ours.Where(g => !Covered(g, MetalLbSpeaker)).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(ours);
        Assert.Equal(SpeakerBeyondMetalLb.Select(g => g.ToString()).Order(StringComparer.Ordinal), beyond);
    }

    [Fact]
    public void Speaker_BeyondMetalLb013Speaker_HasOnlyWhatItGoesWithout()
    {
        var ours = GrantsOf(Manifests(), "speaker");
        var beyond = ours.Where(g => !Covered(g, MetalLbSpeakerV013)).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(SpeakerBeyondMetalLbV013.Select(g => g.ToString()).Order(StringComparer.Ordinal), beyond);
    }

    [Fact]
    public void Controller_NeedsOnlyTheListedPermissionsBeyondMetalLbs()
    {
        var ours = GrantsOf(Manifests(), "controller");
        var beyond = ours.Where(g => !Covered(g, MetalLbController)).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(ControllerBeyondMetalLb.Select(g => g.ToString()).Order(StringComparer.Ordinal), beyond);
    }

    private static List<object> Manifests() => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(DeployFiles.Deploy, "barelb.yaml")));

    private static bool Covered(Grant grant, HashSet<Grant> granted) =>
        CoveredExactly(grant, granted) || CoveredExactly(grant with { Verb = "*" }, granted);

    private static bool CoveredExactly(Grant grant, HashSet<Grant> granted) =>
        granted.Contains(grant)
        || granted.Contains(grant with { ResourceName = "*" })
        || granted.Contains(grant with { Scope = Cluster })
        || granted.Contains(grant with { Scope = Cluster, ResourceName = "*" });

    private static HashSet<Grant> GrantsOf(List<object> objects, string serviceAccount)
    {
        var roles = objects.OfType<V1Role>().ToDictionary(r => r.Metadata.Name, r => r.Rules);
        var clusterRoles = objects.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name, r => r.Rules);
        var grants = new HashSet<Grant>();
        foreach (var binding in objects.OfType<V1RoleBinding>().Where(b => Binds(b.Subjects, serviceAccount)))
        {
            var rules = binding.RoleRef.Kind == "Role" ? roles[binding.RoleRef.Name] : clusterRoles[binding.RoleRef.Name];
            grants.UnionWith(Expand(binding.Metadata.NamespaceProperty, rules));
        }

        foreach (var binding in objects.OfType<V1ClusterRoleBinding>().Where(b => Binds(b.Subjects, serviceAccount)))
        {
            grants.UnionWith(Expand(Cluster, clusterRoles[binding.RoleRef.Name]));
        }

        return grants;
    }

    private static bool Binds(IList<Rbacv1Subject> subjects, string serviceAccount) =>
        subjects.Any(s => s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == Ns);

    private static IEnumerable<Grant> Expand(string scope, IList<V1PolicyRule> rules) =>
        from rule in rules
        from grant in Grants(scope, rule.ApiGroups.Single(), [.. rule.Resources], rule.ResourceNames?.Single(), [.. rule.Verbs])
        select grant;

    private static IEnumerable<Grant> Grants(string scope, string apiGroup, string[] resources, string? name, params string[] verbs) =>
        from resource in resources
        from verb in verbs
        select new Grant(scope, apiGroup, resource, name ?? "*", verb);

    private sealed record Grant(string Scope, string Group, string Resource, string ResourceName, string Verb)
    {
        public override string ToString() =>
            $"{(Scope == Cluster ? "cluster" : Scope)} {(Group.Length == 0 ? "core" : Group)}/{Resource}{(ResourceName == "*" ? string.Empty : $"[{ResourceName}]")} {Verb}";
    }
}
