namespace BareLb.Lab.Soak;

/// <summary>The address families of a soak Service.</summary>
internal enum SoakFamily
{
    /// <summary>IPv4 only.</summary>
    IPv4,

    /// <summary>IPv6 only.</summary>
    IPv6,

    /// <summary>Both, IPv4 first.</summary>
    DualIPv4First,

    /// <summary>Both, IPv6 first.</summary>
    DualIPv6First,
}
