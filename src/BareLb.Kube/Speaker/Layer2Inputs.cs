using BareLb.Core.Election;
using BareLb.Kube.Configuration;
using BareLb.Kube.Services;
using k8s.Models;

namespace BareLb.Kube.Speaker;

/// <summary>
/// Kubernetes objects read into the Layer 2 decision's inputs, field by field as MetalLB's speaker reads them
/// (<c>speaker/main.go</c>, <c>layer2_controller.go</c>, <c>internal/k8s/epslices</c>, <c>internal/k8s/nodes</c>,
/// <c>internal/config</c>).
/// </summary>
internal static class Layer2Inputs
{
    /// <summary>The label an EndpointSlice names its Service with (MetalLB ignores slices without it).</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>MetalLB's annotation for sharing an address, and its older spelling.</summary>
    public const string AllowSharedIP = "metallb.io/allow-shared-ip", AllowSharedIPDeprecated = "metallb.universe.tf/allow-shared-ip";

    /// <summary>
    /// A Node: its name, labels, and whether its <c>NetworkUnavailable</c> condition has status <c>True</c> (any other
    /// status, or no such condition, counts as available, as in MetalLB).
    /// </summary>
    public static NodeInfo Node(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new NodeInfo
        {
            Name = node.Metadata?.Name ?? "",
            Labels = Labels.ReadOnly(node.Metadata?.Labels),
            NetworkUnavailable = node.Status?.Conditions?.Any(c =>
                string.Equals(c.Type, "NetworkUnavailable", StringComparison.Ordinal) && string.Equals(c.Status, "True", StringComparison.Ordinal)) == true,
        };
    }

    /// <summary>Whether the node's <c>Ready</c> condition is <c>True</c> (used only to tell a crashed node from a split).</summary>
    public static bool IsReady(V1Node? node) =>
        node?.Status?.Conditions?.Any(c => string.Equals(c.Type, "Ready", StringComparison.Ordinal) && string.Equals(c.Status, "True", StringComparison.Ordinal)) == true;

    /// <summary>
    /// Every configured pool (Layer 2 or not: MetalLB looks a Service's pool up among all of them) with the
    /// L2Advertisements that select it, resolved against the nodes: the nodes the advertisement's node selectors
    /// select (every node when it has none), its interfaces, its Service selectors, its preferred-node weights.
    /// </summary>
    public static IReadOnlyList<Layer2Pool> Pools(MetalLbConfiguration configuration, IReadOnlyDictionary<string, NodeInfo> nodes)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(nodes);
        var advertisements = configuration.L2Advertisements.Select(rule =>
        {
            var selected = nodes.Values.Where(n => rule.Scope.NodeSelectors.Count == 0 || rule.Scope.NodeSelectors.Any(s => s.Matches(n.Labels))).ToList();
            return (rule, advertisement: new Layer2Advertisement
            {
                Name = rule.Name,
                Nodes = selected.Select(n => n.Name).ToHashSet(StringComparer.Ordinal),
                Interfaces = rule.Scope.Interfaces,
                ServiceSelectors = rule.ServiceSelectors,
                PreferredNodes = PreferenceWeights(rule.Scope, selected),
            });
        }).ToList();
        return [.. (configuration.Pools?.Pools ?? []).Select(pool => new Layer2Pool
        {
            Name = pool.Name,
            Ranges = pool.Ranges,
            Advertisements = [.. advertisements.Where(a => a.rule.Pools.Contains(pool.Name, StringComparer.Ordinal)).Select(a => a.advertisement)],
        })];
    }

    /// <summary>
    /// The weight of each selected node under the advertisement's preferred node selectors, as MetalLB's
    /// <c>preferredNodeScores</c>: only nodes the node selectors select, only those with a weight above 0.
    /// </summary>
    private static Dictionary<string, long> PreferenceWeights(AdvertisementScope scope, List<NodeInfo> selected)
    {
        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        if (scope.PreferredNodes.Count == 0)
        {
            return weights;
        }

        foreach (var node in selected)
        {
            if (scope.WeightOf(node.Labels) is var weight and > 0)
            {
                weights[node.Name] = weight;
            }
        }

        return weights;
    }

    /// <summary>The Service key (<c>namespace/name</c>) an EndpointSlice belongs to, or null when it has no Service label.</summary>
    public static string? ServiceKeyOf(V1EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return slice.Metadata?.Labels?.TryGetValue(ServiceNameLabel, out var name) == true && !string.IsNullOrEmpty(name)
            ? $"{slice.Metadata.NamespaceProperty}/{name}"
            : null;
    }

    /// <summary>
    /// A Service with its EndpointSlices' endpoints: type, labels, the allow-shared-ip annotation (either spelling,
    /// any value), externalTrafficPolicy Local, the ingress addresses as written (an entry with a hostname only reads
    /// as an empty, invalid address, as in MetalLB), and each endpoint's node and ready and serving conditions
    /// (unset stays unset: ready unset counts as ready).
    /// </summary>
    public static Layer2Service Service(string key, V1Service service, IEnumerable<V1EndpointSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(slices);
        var annotations = service.Metadata?.Annotations;
        return new Layer2Service
        {
            Key = key,
            IsLoadBalancer = string.Equals(service.Spec?.Type, "LoadBalancer", StringComparison.Ordinal),
            Labels = Labels.ReadOnly(service.Metadata?.Labels),
            AllowsSharedIP = annotations is not null && (annotations.ContainsKey(AllowSharedIP) || annotations.ContainsKey(AllowSharedIPDeprecated)),
            ExternalTrafficPolicyLocal = string.Equals(service.Spec?.ExternalTrafficPolicy, "Local", StringComparison.Ordinal),
            IngressAddresses = [.. (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? "")],
            Endpoints = [.. slices.SelectMany(s => s.Endpoints ?? []).Select(e => new ServiceEndpoint(e.NodeName, e.Conditions?.Ready, e.Conditions?.Serving))],
        };
    }
}
