namespace BareLb.Kube.Configuration;

/// <summary>Whether a configuration problem stops the configuration from taking effect.</summary>
public enum ProblemSeverity
{
    /// <summary>The configuration is refused; the last good one stays in force.</summary>
    Error,

    /// <summary>The configuration takes effect, but probably not as the user meant.</summary>
    Warning,
}
