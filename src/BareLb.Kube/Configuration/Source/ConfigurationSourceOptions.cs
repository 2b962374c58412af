using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration.Source;

/// <summary>
/// Where MetalLB's configuration is read from: the namespace of its objects, the legacy ConfigMap's name, and how
/// often a kind whose CustomResourceDefinition is missing is looked for again. Shared by every component that reads
/// the configuration (the controller, the speaker).
/// </summary>
public sealed class ConfigurationSourceOptions
{
    /// <summary>The namespace the configuration lives in. Default <see cref="MetalLbApi.DefaultNamespace"/>, as for every MetalLB user.</summary>
    public string Namespace { get; init; } = MetalLbApi.DefaultNamespace;

    /// <summary>The legacy ConfigMap's name. Default <see cref="MetalLbApi.LegacyConfigMapName"/>.</summary>
    public string ConfigMapName { get; init; } = MetalLbApi.LegacyConfigMapName;

    /// <summary>
    /// How often a metallb.io kind whose CustomResourceDefinition is not installed is listed again, to notice when it
    /// is installed. Default 30 s.
    /// </summary>
    public TimeSpan AbsentResourceRecheck { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options; returns which one is invalid and why, or null.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Namespace) ? "Namespace must be set"
        : string.IsNullOrWhiteSpace(ConfigMapName) ? "ConfigMapName must be set"
        : AbsentResourceRecheck <= TimeSpan.Zero ? $"AbsentResourceRecheck must be positive, not {AbsentResourceRecheck}"
        : null;
}
