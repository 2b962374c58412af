namespace BareLb.Kube.Controller;

/// <summary>Where the controller reads MetalLB's configuration.</summary>
public sealed class ServiceControllerOptions
{
    /// <summary>The controller's namespace, where the configuration lives. Default "metallb-system", as for every MetalLB user.</summary>
    public string Namespace { get; init; } = "metallb-system";

    /// <summary>The legacy ConfigMap's name. Default "config".</summary>
    public string ConfigMapName { get; init; } = "config";

    /// <summary>Checks the options; returns why they are invalid, or null.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Namespace) ? "Namespace must be set"
        : string.IsNullOrWhiteSpace(ConfigMapName) ? "ConfigMapName must be set"
        : null;
}
