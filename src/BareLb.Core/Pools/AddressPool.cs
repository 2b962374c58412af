using BareLb.Core.Addresses;
using BareLb.Core.Selectors;

namespace BareLb.Core.Pools;

/// <summary>A validated pool: its ranges parsed, sorted and free of overlaps.</summary>
public sealed class AddressPool
{
    internal AddressPool(AddressPoolSpec spec, IReadOnlyList<IPRange> ranges)
    {
        Name = spec.Name;
        Ranges = ranges;
        AutoAssign = spec.AutoAssign;
        AvoidBuggyIPs = spec.AvoidBuggyIPs;
        Priority = spec.ServiceAllocation?.Priority;
        Namespaces = spec.ServiceAllocation?.Namespaces ?? [];
        NamespaceSelectors = spec.ServiceAllocation?.NamespaceSelectors ?? [];
        ServiceSelectors = spec.ServiceAllocation?.ServiceSelectors ?? [];
        Source = spec.Source;
        HasIPv4 = ranges.Any(r => r.Family == IPFamily.IPv4);
        HasIPv6 = ranges.Any(r => r.Family == IPFamily.IPv6);
    }

    /// <summary>The pool's name.</summary>
    public string Name { get; }

    /// <summary>The pool's ranges, sorted, IPv4 first.</summary>
    public IReadOnlyList<IPRange> Ranges { get; }

    /// <summary>Whether Services that name no pool or address may get addresses from it.</summary>
    public bool AutoAssign { get; }

    /// <summary>Whether IPv4 addresses ending in .0 or .255 are skipped.</summary>
    public bool AvoidBuggyIPs { get; }

    /// <summary>Lower is tried first; null comes after every number.</summary>
    public int? Priority { get; }

    /// <summary>Namespaces allowed by name.</summary>
    public IReadOnlyList<string> Namespaces { get; }

    /// <summary>Namespaces allowed by label.</summary>
    public IReadOnlyList<LabelSelector> NamespaceSelectors { get; }

    /// <summary>Services allowed by label.</summary>
    public IReadOnlyList<LabelSelector> ServiceSelectors { get; }

    /// <summary>Where the pool was configured.</summary>
    public ConfigurationSource Source { get; }

    /// <summary>Whether the pool has IPv4 addresses.</summary>
    public bool HasIPv4 { get; }

    /// <summary>Whether the pool has IPv6 addresses.</summary>
    public bool HasIPv6 { get; }

    /// <summary>Whether the pool has addresses of a family.</summary>
    public bool Has(IPFamily family) => family == IPFamily.IPv4 ? HasIPv4 : HasIPv6;

    /// <summary>Whether the pool holds the address (ignoring <see cref="AvoidBuggyIPs"/>).</summary>
    public bool Contains(IPAddr address)
    {
        foreach (var range in Ranges)
        {
            if (range.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the pool hands out this address: it holds it and does not avoid it.</summary>
    public bool Offers(IPAddr address) => Contains(address) && !Avoids(address);

    /// <summary>Whether the pool skips the address because of <see cref="AvoidBuggyIPs"/>.</summary>
    public bool Avoids(IPAddr address) => AvoidBuggyIPs && BuggyAddresses.IsBuggy(address);

    /// <summary>
    /// Whether a Service in a namespace with these labels, and with these labels itself, may use
    /// the pool; when not, <paramref name="why"/> says which restriction refused it.
    /// </summary>
    public bool Allows(string serviceNamespace, IReadOnlyDictionary<string, string> namespaceLabels, IReadOnlyDictionary<string, string> serviceLabels, out string? why)
    {
        why = null;
        if (Namespaces.Count > 0 || NamespaceSelectors.Count > 0)
        {
            var allowed = Namespaces.Contains(serviceNamespace, StringComparer.Ordinal)
                || NamespaceSelectors.Any(s => s.Matches(namespaceLabels));
            if (!allowed)
            {
                why = $"pool {Name} serves only the namespaces it lists or selects, and {serviceNamespace} is not one of them";
                return false;
            }
        }

        if (ServiceSelectors.Count > 0 && !ServiceSelectors.Any(s => s.Matches(serviceLabels)))
        {
            why = $"pool {Name} serves only Services that match its serviceSelectors";
            return false;
        }

        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
