namespace BareLb.Core.Election;

/// <summary>A Service as the Layer 2 decision sees it.</summary>
public sealed record Layer2Service
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>The Service's key, <c>namespace/name</c>.</summary>
    public required string Key { get; init; }

    /// <summary>Whether <c>spec.type</c> is LoadBalancer.</summary>
    public bool IsLoadBalancer { get; init; } = true;

    /// <summary>The Service's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = NoLabels;

    /// <summary>Whether it carries <c>metallb.io/allow-shared-ip</c> (or the <c>metallb.universe.tf/</c> spelling), with any value.</summary>
    public bool AllowsSharedIP { get; init; }

    /// <summary>Whether <c>spec.externalTrafficPolicy</c> is Local.</summary>
    public bool ExternalTrafficPolicyLocal { get; init; }

    /// <summary>The addresses of <c>status.loadBalancer.ingress</c>, in order, as written there.</summary>
    public IReadOnlyList<string> IngressAddresses { get; init; } = [];

    /// <summary>The Service's endpoints from all its EndpointSlices.</summary>
    public IReadOnlyList<ServiceEndpoint> Endpoints { get; init; } = [];
}
