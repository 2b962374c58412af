using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Services;

/// <summary>
/// Defaults <c>ipFamilyPolicy</c>, <c>ipFamilies</c>, <c>clusterIP</c> and <c>clusterIPs</c> as the API server does
/// on a single-stack or dual-stack cluster (its <c>initIPFamilyFields</c> and cluster IP allocation): the policy
/// defaults to SingleStack, or RequireDualStack when two families or two cluster IPs are given; families follow the
/// given cluster IPs, else the cluster's primary family, plus the other family for PreferDualStack and
/// RequireDualStack on a dual-stack cluster; one cluster IP is allocated per family. On update, what the request
/// leaves out is kept, the primary family and cluster IP may not change, and a downgrade to SingleStack drops the
/// secondary ones.
/// </summary>
internal sealed class ServiceIpFamilies
{
    private const string SingleStack = "SingleStack";
    private const string PreferDualStack = "PreferDualStack";
    private const string RequireDualStack = "RequireDualStack";
    private readonly IReadOnlyList<ServiceRange> _ranges;

    /// <param name="ranges">The cluster's service CIDRs, primary first: one, or two of different families.</param>
    public ServiceIpFamilies(IReadOnlyList<ServiceRange> ranges)
    {
        if (ranges.Count is < 1 or > 2 || (ranges.Count == 2 && ranges[0].Family == ranges[1].Family))
        {
            throw new ArgumentException("a cluster has one service CIDR, or two of different IP families", nameof(ranges));
        }

        _ranges = ranges;
    }

    /// <summary>Parses the API server's <c>--service-cluster-ip-range</c>: one CIDR, or two of different families separated by a comma.</summary>
    public static ServiceIpFamilies Parse(string cidrs) =>
        new([.. cidrs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => new ServiceRange(c))]);

    /// <summary>The primary service CIDR.</summary>
    public ServiceRange Primary => _ranges[0];

    private bool IsDualStack => _ranges.Count == 2;

    /// <summary>Defaults the fields of a non-ExternalName Service; <paramref name="used"/> holds the canonical cluster IPs in use.</summary>
    public void Default(string name, JsonObject spec, JsonObject? oldSpec, IReadOnlySet<string> used)
    {
        var policy = Json.String(spec, "ipFamilyPolicy");
        var families = Strings(spec["ipFamilies"]);
        var ips = Strings(spec["clusterIPs"]);
        var ip = Json.String(spec, "clusterIP");
        if (ips.Count == 0 && !string.IsNullOrEmpty(ip))
        {
            ips.Add(ip);
        }
        else if (ips.Count > 0 && !string.IsNullOrEmpty(ip) && ip != ips[0])
        {
            throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs: Invalid value: {GoList(ips)}: must have the same first element as spec.clusterIP (\"{ip}\")");
        }

        var oldIps = oldSpec is null ? [] : Strings(oldSpec["clusterIPs"]);
        if (oldIps.Count == 0 && oldSpec is not null && Json.String(oldSpec, "clusterIP") is { Length: > 0 } oldIp)
        {
            oldIps.Add(oldIp);
        }

        var oldFamilies = oldSpec is null ? [] : Strings(oldSpec["ipFamilies"]);
        if (oldSpec is not null)
        {
            ips = ips.Count == 0 ? [.. oldIps] : ips;
            families = families.Count == 0 ? [.. oldFamilies] : families;
            policy ??= Json.String(oldSpec, "ipFamilyPolicy");
            if (policy == SingleStack && oldIps.Count == 2)
            {
                // A downgrade: the secondary cluster IP and family go.
                ips = [.. ips.Take(1)];
                families = [.. families.Take(1)];
            }

            if (oldIps.Count > 0 && ips.Count > 0 && ServiceRange.Canonical(ips[0]) != ServiceRange.Canonical(oldIps[0]))
            {
                throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs[0]: Invalid value: {GoList(ips)}: may not change once set");
            }

            if (oldFamilies.Count > 0 && families.Count > 0 && families[0] != oldFamilies[0])
            {
                throw ServiceDefaulter.Invalid(name, $"spec.ipFamilies[0]: Invalid value: \"{families[0]}\": may not change once set");
            }
        }

        policy ??= ips.Count == 2 || families.Count == 2 ? RequireDualStack : SingleStack;
        CheckPolicy(name, policy, families, ips);
        InferFamilies(name, families, ips);
        if (families.Count == 0)
        {
            families.Add(Primary.Family);
        }

        if (policy != SingleStack && families.Count == 1 && IsDualStack)
        {
            families.Add(families[0] == "IPv4" ? "IPv6" : "IPv4");
        }

        if (ips is ["None", ..])
        {
            ips = ["None"];
        }
        else
        {
            Allocate(name, families, ips, oldIps, used);
        }

        spec["ipFamilyPolicy"] = policy;
        spec["ipFamilies"] = new JsonArray([.. families.Select(f => (JsonNode)JsonValue.Create(f))]);
        spec["clusterIP"] = ips[0];
        spec["clusterIPs"] = new JsonArray([.. ips.Select(i => (JsonNode)JsonValue.Create(i))]);
    }

    /// <summary>The canonical cluster IPs a stored Service holds (none for a headless or ExternalName one).</summary>
    public static IEnumerable<string> ClusterIps(JsonObject service)
    {
        var ips = Strings(Json.At(service, "spec", "clusterIPs"));
        if (ips.Count == 0 && Json.String(service, "spec", "clusterIP") is { Length: > 0 } ip)
        {
            ips.Add(ip);
        }

        return ips.Where(i => i != "None").Select(ServiceRange.Canonical);
    }

    private void CheckPolicy(string name, string policy, List<string> families, List<string> ips)
    {
        if (policy is not (SingleStack or PreferDualStack or RequireDualStack))
        {
            throw ServiceDefaulter.Invalid(name, $"spec.ipFamilyPolicy: Unsupported value: \"{policy}\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"");
        }

        if (policy == RequireDualStack && !IsDualStack)
        {
            throw ServiceDefaulter.Invalid(name, $"spec.ipFamilyPolicy: Invalid value: \"{policy}\": this cluster is not configured for dual-stack services");
        }

        if (families.Count > 2)
        {
            throw ServiceDefaulter.Invalid(name, $"spec.ipFamilies: Too many: {families.Count}: must have at most 2 items");
        }

        if (ips.Count > 2)
        {
            throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs: Too many: {ips.Count}: must have at most 2 items");
        }

        if (policy == SingleStack && (families.Count == 2 || (ips.Count == 2 && ips[0] != "None")))
        {
            throw ServiceDefaulter.Invalid(name, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be RequireDualStack or PreferDualStack when multiple IP families are specified");
        }

        for (var i = 0; i < families.Count; i++)
        {
            if (families[i] is not ("IPv4" or "IPv6"))
            {
                throw ServiceDefaulter.Invalid(name, $"spec.ipFamilies[{i}]: Unsupported value: \"{families[i]}\": supported values: \"IPv4\", \"IPv6\"");
            }

            if (i == 1 && families[0] == families[1])
            {
                throw ServiceDefaulter.Invalid(name, $"spec.ipFamilies[1]: Duplicate value: \"{families[1]}\"");
            }
        }
    }

    private void InferFamilies(string name, List<string> families, List<string> ips)
    {
        for (var i = 0; i < ips.Count && ips[i] != "None"; i++)
        {
            var family = ServiceRange.FamilyOf(ips[i])
                ?? throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs[{i}]: Invalid value: \"{ips[i]}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
            if (i >= families.Count)
            {
                families.Add(family);
            }
            else if (families[i] != family)
            {
                throw ServiceDefaulter.Invalid(name, $"spec.ipFamilies[{i}]: Invalid value: \"{families[i]}\": does not match the IP family of spec.clusterIPs[{i}] (\"{ips[i]}\")");
            }
        }

        if (families.Count == 2 && families[0] == families[1])
        {
            throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs[1]: Invalid value: {GoList(ips)}: may not be the same IP family as spec.clusterIPs[0]");
        }

        for (var i = 0; i < families.Count; i++)
        {
            if (RangeOf(families[i]) is null)
            {
                throw ServiceDefaulter.Invalid(name, $"spec.ipFamilies[{i}]: Invalid value: \"{families[i]}\": not configured on this cluster");
            }
        }
    }

    private void Allocate(string name, List<string> families, List<string> ips, List<string> oldIps, IReadOnlySet<string> used)
    {
        var mine = oldIps.Select(ServiceRange.Canonical).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < families.Count; i++)
        {
            var range = RangeOf(families[i])!;
            if (i >= ips.Count)
            {
                ips.Add(range.Allocate(used)
                    ?? throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs: Internal error: failed to allocate a serviceIP: range is full"));
                continue;
            }

            var requested = ips[i];
            if (mine.Contains(ServiceRange.Canonical(requested)))
            {
                continue;
            }

            if (!range.Contains(requested))
            {
                throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs: Invalid value: {GoList(ips)}: failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {range.Network}");
            }

            if (used.Contains(ServiceRange.Canonical(requested)))
            {
                throw ServiceDefaulter.Invalid(name, $"spec.clusterIPs: Invalid value: {GoList(ips)}: failed to allocate IP {requested}: provided IP is already allocated");
            }
        }
    }

    private ServiceRange? RangeOf(string family) => _ranges.FirstOrDefault(r => r.Family == family);

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(Json.Scalar).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)] : [];

    private static string GoList(List<string> items) => $"[]string{{{string.Join(", ", items.Select(i => $"\"{i}\""))}}}";
}
