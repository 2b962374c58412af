namespace BareLb.Kube.Configuration;

/// <summary>The outcome of converting a legacy ConfigMap: the metallb.io manifests, or the problems that stopped it.</summary>
public sealed class ConfigurationConversion
{
    /// <summary>Multi-document YAML of the equivalent objects; null when the ConfigMap has errors.</summary>
    public string? Yaml { get; init; }

    /// <summary>The converted objects; null when the ConfigMap has errors.</summary>
    public MetalLbResources? Resources { get; init; }

    /// <summary>Errors and warnings, with file and line.</summary>
    public required IReadOnlyList<ConfigurationProblem> Problems { get; init; }
}
