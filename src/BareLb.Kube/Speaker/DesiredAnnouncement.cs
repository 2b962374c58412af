using BareLb.Core.Addresses;

namespace BareLb.Kube.Speaker;

/// <summary>
/// One address this node must answer ARP or NDP for, where, and for which Services. An address shared by several
/// Services (<c>metallb.io/allow-shared-ip</c>) appears once, with every Service that needs it on this node in
/// <see cref="Services"/>: it stays announced until none does. Equality compares the contents of the sets.
/// </summary>
public sealed record DesiredAnnouncement
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The address (an IPv4 address for ARP, an IPv6 one for NDP).</summary>
    public required IPAddr Address { get; init; }

    /// <summary>
    /// Whether to announce on every interface that can carry the address (an L2Advertisement that names no
    /// interface applies to one of the Services). When true, <see cref="Interfaces"/> is empty.
    /// </summary>
    public bool AllInterfaces { get; init; }

    /// <summary>The interfaces to announce on when <see cref="AllInterfaces"/> is false (the union over the Services).</summary>
    public IReadOnlySet<string> Interfaces { get; init; } = None;

    /// <summary>The keys (<c>namespace/name</c>) of the Services that this node announces the address for; never empty.</summary>
    public required IReadOnlySet<string> Services { get; init; }

    /// <inheritdoc/>
    public bool Equals(DesiredAnnouncement? other) =>
        other is not null
        && Address == other.Address
        && AllInterfaces == other.AllInterfaces
        && Interfaces.SetEquals(other.Interfaces)
        && Services.SetEquals(other.Services);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, AllInterfaces, Interfaces.Count, Services.Count);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Address} on {(AllInterfaces ? "every interface" : string.Join(",", Interfaces.Order(StringComparer.Ordinal)))} for {string.Join(",", Services.Order(StringComparer.Ordinal))}";
}
