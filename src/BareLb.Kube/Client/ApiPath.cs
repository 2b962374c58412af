namespace BareLb.Kube.Client;

/// <summary>The API server's paths, relative to the server: <c>api/v1/...</c> for the core group, <c>apis/GROUP/VERSION/...</c> for the others.</summary>
internal static class ApiPath
{
    /// <summary>A core (<c>v1</c>) resource: its collection, in a namespace when given, or one object of it, or that object's subresource.</summary>
    public static string Core(string resource, string? @namespace = null, string? name = null, string? subresource = null) =>
        Of("api/v1", resource, @namespace, name, subresource);

    /// <summary>A resource of an API group (<paramref name="groupVersion"/> such as <c>coordination.k8s.io/v1</c>).</summary>
    public static string Group(string groupVersion, string resource, string? @namespace = null, string? name = null, string? subresource = null) =>
        Of("apis/" + groupVersion, resource, @namespace, name, subresource);

    /// <summary>A query string (with its <c>?</c>) of the parameters that have a value; empty when none has.</summary>
    public static string Query(params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var query = "";
        foreach (var (name, value) in parameters)
        {
            if (!string.IsNullOrEmpty(value))
            {
                query += (query.Length == 0 ? "?" : "&") + name + "=" + Uri.EscapeDataString(value);
            }
        }

        return query;
    }

    private static string Of(string prefix, string resource, string? @namespace, string? name, string? subresource)
    {
        var path = @namespace is null ? $"{prefix}/{resource}" : $"{prefix}/namespaces/{Uri.EscapeDataString(@namespace)}/{resource}";
        if (name is not null)
        {
            path += "/" + Uri.EscapeDataString(name);
            if (subresource is not null)
            {
                path += "/" + subresource;
            }
        }

        return path;
    }
}
