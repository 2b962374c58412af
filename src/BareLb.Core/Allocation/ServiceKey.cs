namespace BareLb.Core.Allocation;

/// <summary>Identifies a Service: its namespace and name.</summary>
/// <param name="Namespace">The Service's namespace.</param>
/// <param name="Name">The Service's name.</param>
public readonly record struct ServiceKey(string Namespace, string Name) : IComparable<ServiceKey>
{
    /// <summary>"namespace/name".</summary>
    public override string ToString() => $"{Namespace}/{Name}";

    /// <summary>Orders by namespace, then name (ordinal).</summary>
    public int CompareTo(ServiceKey other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary>Orders by namespace, then name.</summary>
    public static bool operator <(ServiceKey left, ServiceKey right) => left.CompareTo(right) < 0;

    /// <summary>Orders by namespace, then name.</summary>
    public static bool operator >(ServiceKey left, ServiceKey right) => left.CompareTo(right) > 0;

    /// <summary>Orders by namespace, then name.</summary>
    public static bool operator <=(ServiceKey left, ServiceKey right) => left.CompareTo(right) <= 0;

    /// <summary>Orders by namespace, then name.</summary>
    public static bool operator >=(ServiceKey left, ServiceKey right) => left.CompareTo(right) >= 0;
}
