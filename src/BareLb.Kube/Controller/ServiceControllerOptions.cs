using BareLb.Kube.Configuration.Source;

namespace BareLb.Kube.Controller;

/// <summary>Where the controller reads MetalLB's configuration, and how often it writes pools' counts.</summary>
public sealed class ServiceControllerOptions
{
    /// <summary>Where the configuration is read from (its namespace is also where configuration problems' events go).</summary>
    public ConfigurationSourceOptions Configuration { get; init; } = new();

    /// <summary>
    /// The shortest time between two writes of one IPAddressPool's status counts while Services keep changing. Default 1 s.
    /// </summary>
    public TimeSpan PoolStatusInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the options; returns why they are invalid, or null.</summary>
    public string? Validate() =>
        Configuration is null ? "Configuration must be set"
        : Configuration.Validate() is { } problem ? $"Configuration: {problem}"
        : PoolStatusInterval <= TimeSpan.Zero ? $"PoolStatusInterval must be positive, not {PoolStatusInterval}"
        : null;
}
