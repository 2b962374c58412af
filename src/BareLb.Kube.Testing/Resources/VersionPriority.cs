using System.Globalization;
using System.Text.RegularExpressions;

namespace BareLb.Kube.Testing.Resources;

/// <summary>Orders Kubernetes versions as the API server does: GA before beta before alpha, higher numbers first.</summary>
internal sealed partial class VersionPriority : IComparer<string>
{
    public static VersionPriority Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var (xs, xl) = Rank(x ?? string.Empty);
        var (ys, yl) = Rank(y ?? string.Empty);
        return xs != ys ? ys.CompareTo(xs) : xl != yl ? yl.CompareTo(xl) : string.CompareOrdinal(x, y);
    }

    private static (long Stage, long Level) Rank(string version)
    {
        var match = KubeVersion().Match(version);
        if (!match.Success)
        {
            return (0, 0);
        }

        var major = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = match.Groups[3].Success ? long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return (stage * 1_000_000 + major, minor);
    }

    [GeneratedRegex("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex KubeVersion();
}
