namespace BareLb.Kube.Configuration;

/// <summary>The outcome of checking files offline: a summary per file and every problem with its file and line.</summary>
public sealed class ConfigurationCheck
{
    /// <summary>One line per file: what it holds.</summary>
    public required IReadOnlyList<string> Summaries { get; init; }

    /// <summary>Every error and warning, in file order.</summary>
    public required IReadOnlyList<ConfigurationProblem> Problems { get; init; }

    /// <summary>The configurations the files amount to: one per legacy ConfigMap, then one for all metallb.io objects.</summary>
    public required IReadOnlyList<MetalLbConfiguration> Configurations { get; init; }

    /// <summary>Whether any problem is an error.</summary>
    public bool HasErrors => Problems.Any(p => p.Severity == ProblemSeverity.Error);
}
