namespace BareLb.Kube.Services;

/// <summary>Label maps from KubernetesClient (typed as <see cref="IDictionary{TKey, TValue}"/>) as read-only views.</summary>
internal static class Labels
{
    private static readonly Dictionary<string, string> None = [];

    public static IReadOnlyDictionary<string, string> ReadOnly(IDictionary<string, string>? labels) =>
        labels switch
        {
            null => None,
            IReadOnlyDictionary<string, string> view => view,
            _ => new Dictionary<string, string>(labels, StringComparer.Ordinal),
        };
}
