namespace BareLb.Kube.Testing.Http;

/// <summary>A parsed resource URL: <c>/api/v1[/watch][/namespaces/NS]/PLURAL[/NAME[/SUB]]</c> or the same under <c>/apis/GROUP/VERSION</c>.</summary>
internal sealed record ApiPath(string Group, string Version, string? Namespace, string Plural, string? Name, string? Subresource, bool WatchPrefix)
{
    /// <summary>Parses the segments after the group version; null if they do not name a resource.</summary>
    public static ApiPath? Parse(string group, string version, ReadOnlySpan<string> rest)
    {
        var watch = false;
        if (rest.Length > 0 && rest[0] == "watch")
        {
            watch = true;
            rest = rest[1..];
        }

        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces" && rest[2] is not ("status" or "finalize"))
        {
            ns = rest[1];
            rest = rest[2..];
        }

        if (rest.Length is 0 or > 3)
        {
            return null;
        }

        return new ApiPath(group, version, ns, rest[0], rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null, watch);
    }
}
