using System.Globalization;

namespace BareLb.Kube.Configuration;

/// <summary>
/// One problem in MetalLB's configuration: the object, the field and the reason, and, when the object was
/// read from a file, where.
/// </summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="Kind">The kind of the offending object, e.g. "IPAddressPool" or "ConfigMap"; "" for a problem with a whole file.</param>
/// <param name="ObjectName">Its name, e.g. "default" or "metallb-system/config".</param>
/// <param name="Field">The field path, e.g. "spec.addresses[1]" or "address-pools[0].protocol"; "" for the whole object.</param>
/// <param name="Message">Why it is wrong.</param>
public sealed record ConfigurationProblem(ProblemSeverity Severity, string Kind, string ObjectName, string Field, string Message)
{
    /// <summary>The file the object was read from, if any.</summary>
    public string? File { get; init; }

    /// <summary>
    /// The 1-based line of the field in <see cref="File"/>, if known; for a ConfigMap read from the API (no file),
    /// the line inside its <c>data.config</c> text.
    /// </summary>
    public int? Line { get; init; }

    /// <summary>"Kind name: field: message", prefixed with "warning: " for warnings.</summary>
    public string Describe()
    {
        var subject = Kind.Length == 0 ? "" : ObjectName.Length == 0 ? $"{Kind}: " : $"{Kind} {ObjectName}: ";
        var what = Field.Length == 0 ? $"{subject}{Message}" : $"{subject}{Field}: {Message}";
        return Severity == ProblemSeverity.Warning ? $"warning: {what}" : what;
    }

    /// <summary>"FILE:LINE: Kind name: field: message" when the place is known, else <see cref="Describe"/>.</summary>
    public override string ToString() => File is null
        ? Describe()
        : Line is { } line ? $"{File}:{line.ToString(CultureInfo.InvariantCulture)}: {Describe()}" : $"{File}: {Describe()}";
}
