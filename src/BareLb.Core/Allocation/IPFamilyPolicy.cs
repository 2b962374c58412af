namespace BareLb.Core.Allocation;

/// <summary>A Service's <c>spec.ipFamilyPolicy</c>.</summary>
public enum IPFamilyPolicy
{
    /// <summary>One address, of the Service's first IP family.</summary>
    SingleStack,

    /// <summary>An address of each of the Service's families when one pool offers both; otherwise one.</summary>
    PreferDualStack,

    /// <summary>An address of each family, both from the same pool, or none.</summary>
    RequireDualStack,
}
