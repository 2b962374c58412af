namespace BareLb.Core.Addresses;

/// <summary>The family of an IP address, as Kubernetes names them in <c>spec.ipFamilies</c>.</summary>
public enum IPFamily
{
    /// <summary>IPv4: 32-bit addresses.</summary>
    IPv4 = 4,

    /// <summary>IPv6: 128-bit addresses.</summary>
    IPv6 = 6,
}
