using System.Text.RegularExpressions;
using BareLb.Kube.Testing.Resources;

namespace BareLb.Kube.Testing.Storage;

/// <summary>The object name rules of the API server: DNS-1035 labels for Services, DNS-1123 labels for Namespaces, path segments for RBAC, DNS-1123 subdomains otherwise.</summary>
internal static partial class NameRules
{
    public static void Validate(ResourceType type, string name)
    {
        string? problem = null;
        if (type.Group == "rbac.authorization.k8s.io")
        {
            if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
            {
                problem = "may not be '.' or '..' and may not contain '/' or '%'";
            }
        }
        else if (type.Group.Length == 0 && type.Plural == "services")
        {
            if (name.Length > 63 || !Dns1035Label().IsMatch(name))
            {
                problem = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
            }
        }
        else if (type.Group.Length == 0 && type.Plural == "namespaces")
        {
            if (name.Length > 63 || !Dns1123Label().IsMatch(name))
            {
                problem = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
            }
        }
        else if (name.Length > 253 || !Dns1123Subdomain().IsMatch(name))
        {
            problem = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
        }

        if (problem is not null)
        {
            throw ApiException.Invalid(type.Kind, type.Group, name, $"metadata.name: Invalid value: \"{name}\": {problem}");
        }
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123Subdomain();
}
