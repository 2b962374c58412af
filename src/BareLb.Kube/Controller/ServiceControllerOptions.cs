namespace BareLb.Kube.Controller;

/// <summary>Where the controller reads MetalLB's configuration.</summary>
internal sealed class ServiceControllerOptions
{
    /// <summary>The controller's namespace, where the configuration lives. Default "metallb-system", as for every MetalLB user.</summary>
    public string Namespace { get; init; } = "metallb-system";

    /// <summary>The legacy ConfigMap's name. Default "config".</summary>
    public string ConfigMapName { get; init; } = "config";

    /// <summary>
    /// How often a metallb.io kind whose CustomResourceDefinition is not installed is listed again, to notice when it
    /// is installed. Default 30 s.
    /// </summary>
    public TimeSpan AbsentResourceRecheck { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time between two writes of one IPAddressPool's status counts while Services keep changing. Default 1 s.
    /// </summary>
    public TimeSpan PoolStatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the options; returns why they are invalid, or null.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Namespace) ? "Namespace must be set"
        : string.IsNullOrWhiteSpace(ConfigMapName) ? "ConfigMapName must be set"
        : AbsentResourceRecheck <= TimeSpan.Zero ? $"AbsentResourceRecheck must be positive, not {AbsentResourceRecheck}"
        : PoolStatusInterval <= TimeSpan.Zero ? $"PoolStatusInterval must be positive, not {PoolStatusInterval}"
        : null;
}
