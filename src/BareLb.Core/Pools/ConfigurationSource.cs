namespace BareLb.Core.Pools;

/// <summary>
/// Where a piece of configuration came from, so that an error names the object and the field the
/// user must fix: an <c>IPAddressPool</c> named "default" with fields under "spec", or the legacy
/// ConfigMap "metallb-system/config" with fields under "address-pools[0]".
/// </summary>
/// <param name="Kind">The kind of object, e.g. "IPAddressPool" or "ConfigMap".</param>
/// <param name="ObjectName">The object's name as the user knows it, e.g. "metallb-system/config"; null to use the pool's name.</param>
/// <param name="FieldPrefix">The path of the pool's fields inside the object, e.g. "spec" or "address-pools[0]".</param>
public sealed record ConfigurationSource(string Kind, string? ObjectName, string FieldPrefix)
{
    /// <summary>A pool given directly to the library: kind "AddressPool", fields at the top.</summary>
    public static ConfigurationSource Default { get; } = new("AddressPool", null, "");

    /// <summary>The full path of a field of the pool.</summary>
    public string Field(string name) => FieldPrefix.Length == 0 ? name : $"{FieldPrefix}.{name}";
}
