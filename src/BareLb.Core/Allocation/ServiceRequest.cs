using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>
/// What a Service asks of the allocator, already read from its spec and annotations: the
/// addresses it requests, the pool it pins, its sharing key and ports, and its IP families.
/// </summary>
public sealed class ServiceRequest
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>The Service.</summary>
    public required ServiceKey Key { get; init; }

    /// <summary>The Service's labels, for pools' serviceSelectors.</summary>
    public IReadOnlyDictionary<string, string> ServiceLabels { get; init; } = NoLabels;

    /// <summary>The labels of the Service's namespace, for pools' namespaceSelectors.</summary>
    public IReadOnlyDictionary<string, string> NamespaceLabels { get; init; } = NoLabels;

    /// <summary>Addresses the Service asks for, at most one per family; empty for "any".</summary>
    public IReadOnlyList<IPAddr> RequestedAddresses { get; init; } = [];

    /// <summary>The pool the Service pins, or null.</summary>
    public string? Pool { get; init; }

    /// <summary>The sharing key; Services share an address only when both have the same key.</summary>
    public string? SharingKey { get; init; }

    /// <summary>The (protocol, port) pairs the Service exposes.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>
    /// What must agree for two Services to share an address: for externalTrafficPolicy Local, a
    /// canonical form of the pod selector; null for Cluster.
    /// </summary>
    public string? BackendKey { get; init; }

    /// <summary>The Service's IP family policy.</summary>
    public IPFamilyPolicy FamilyPolicy { get; init; } = IPFamilyPolicy.SingleStack;

    /// <summary>The Service's IP families in order (<c>spec.ipFamilies</c>); empty means IPv4, or both for dual-stack policies.</summary>
    public IReadOnlyList<IPFamily> Families { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() => Key.ToString();
}
