using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BareLb.Kube.Testing.Resources;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Authorization;

/// <summary>
/// RBAC for ServiceAccount tokens. A request whose bearer token was handed out by <see cref="AddServiceAccountToken"/>
/// (or <see cref="KubeApiServer.CreateServiceAccountKubeconfig"/>) is allowed only what the stored Roles, ClusterRoles,
/// RoleBindings and ClusterRoleBindings grant that ServiceAccount, as the API server's RBAC authorizer decides;
/// anything else answers 403 Forbidden. Every other token (the kubeconfig's own) is allowed everything, so tests
/// that do not ask for RBAC see none. Discovery, <c>/version</c> and the health endpoints are open to every token.
/// </summary>
/// <remarks>
/// Rules match on API group, resource (<c>services/status</c> for a subresource), verb and resourceNames, each with
/// <c>*</c>; subjects match as ServiceAccount, as the user <c>system:serviceaccount:NS:NAME</c>, or as the groups
/// <c>system:serviceaccounts</c>, <c>system:serviceaccounts:NS</c> and <c>system:authenticated</c>. A <c>list</c> or
/// <c>watch</c> with a <c>metadata.name</c> field selector is checked against resourceNames as that name, as
/// kube-apiserver does. Not modelled: aggregated ClusterRoles and nonResourceURLs rules.
/// </remarks>
public sealed class ApiAuthorization
{
    private const string RbacGroup = "rbac.authorization.k8s.io";
    private readonly ConcurrentDictionary<string, (string Namespace, string Name)> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _denials = new();
    private readonly ObjectStore _store;
    private readonly ResourceCatalog _catalog;

    internal ApiAuthorization(ObjectStore store, ResourceCatalog catalog)
    {
        _store = store;
        _catalog = catalog;
    }

    /// <summary>Every request denied so far, as <c>USER VERB RESOURCE [NAMESPACE/]NAME</c>, oldest first.</summary>
    public IReadOnlyList<string> Denials => [.. _denials];

    /// <summary>Hands out a bearer token for a ServiceAccount; requests with it are checked against the stored RBAC objects.</summary>
    /// <param name="namespace">The ServiceAccount's namespace.</param>
    /// <param name="serviceAccount">The ServiceAccount's name.</param>
    /// <returns>The token.</returns>
    public string AddServiceAccountToken(string @namespace, string serviceAccount)
    {
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        ArgumentException.ThrowIfNullOrEmpty(serviceAccount);
        var token = $"sa-{@namespace}-{serviceAccount}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        _tokens[token] = (@namespace, serviceAccount);
        return token;
    }

    /// <summary>Throws 403 unless the request's token may do this.</summary>
    internal void Authorize(string? authorizationHeader, string verb, string group, string resource, string? ns, string? name)
    {
        const string bearer = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
            || !_tokens.TryGetValue(authorizationHeader[bearer.Length..].Trim(), out var account))
        {
            return;
        }

        if (Allowed(account, verb, group, resource, ns, name))
        {
            return;
        }

        var user = $"system:serviceaccount:{account.Namespace}:{account.Name}";
        _denials.Enqueue($"{user} {verb} {(group.Length == 0 ? resource : $"{resource}.{group}")} {(ns is null ? string.Empty : name is null ? ns : ns + "/")}{name}".TrimEnd());
        var plural = resource.Split('/')[0];
        var what = name is null ? $"{plural}{(group.Length == 0 ? string.Empty : "." + group)}" : $"{plural}{(group.Length == 0 ? string.Empty : "." + group)} \"{name}\"";
        var where = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        throw ApiException.FromCode(403, string.Create(CultureInfo.InvariantCulture,
            $"{what} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {where}"));
    }

    private bool Allowed((string Namespace, string Name) account, string verb, string group, string resource, string? ns, string? name)
    {
        var roles = Type("roles");
        var clusterRoles = Type("clusterroles");
        foreach (var binding in _store.List(Type("clusterrolebindings"), null).Items)
        {
            if (Binds(binding.Root, account) && RoleRef(binding.Root) is ("ClusterRole", { } roleName)
                && _store.Get(clusterRoles, string.Empty, roleName) is { } role && Grants(role.Root, verb, group, resource, name))
            {
                return true;
            }
        }

        if (ns is null)
        {
            return false;
        }

        foreach (var binding in _store.List(Type("rolebindings"), ns).Items)
        {
            if (!Binds(binding.Root, account))
            {
                continue;
            }

            var role = RoleRef(binding.Root) switch
            {
                ("Role", { } roleName) => _store.Get(roles, ns, roleName),
                ("ClusterRole", { } roleName) => _store.Get(clusterRoles, string.Empty, roleName),
                _ => null,
            };
            if (role is not null && Grants(role.Root, verb, group, resource, name))
            {
                return true;
            }
        }

        return false;
    }

    private ResourceType Type(string plural) => _catalog.Find(RbacGroup, "v1", plural)!;

    private static (string? Kind, string? Name) RoleRef(JsonElement binding) =>
        binding.TryGetProperty("roleRef", out var roleRef)
            ? (Text(roleRef, "kind"), Text(roleRef, "name"))
            : (null, null);

    private static bool Binds(JsonElement binding, (string Namespace, string Name) account)
    {
        if (!binding.TryGetProperty("subjects", out var subjects) || subjects.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var subject in subjects.EnumerateArray())
        {
            var matched = (Text(subject, "kind"), Text(subject, "name")) switch
            {
                ("ServiceAccount", var n) => n == account.Name && Text(subject, "namespace") == account.Namespace,
                ("User", var n) => n == $"system:serviceaccount:{account.Namespace}:{account.Name}",
                ("Group", var n) => n is "system:serviceaccounts" or "system:authenticated" || n == $"system:serviceaccounts:{account.Namespace}",
                _ => false,
            };
            if (matched)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Grants(JsonElement role, string verb, string group, string resource, string? name)
    {
        if (!role.TryGetProperty("rules", out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var rule in rules.EnumerateArray())
        {
            if (Has(rule, "apiGroups", group) && Has(rule, "resources", resource) && Has(rule, "verbs", verb)
                && (!rule.TryGetProperty("resourceNames", out var names) || names.ValueKind != JsonValueKind.Array || names.GetArrayLength() == 0
                    || (name is not null && names.EnumerateArray().Any(n => n.ValueKind == JsonValueKind.String && n.GetString() == name))))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Has(JsonElement rule, string field, string value) =>
        rule.TryGetProperty(field, out var list) && list.ValueKind == JsonValueKind.Array
        && list.EnumerateArray().Any(v => v.ValueKind == JsonValueKind.String && (v.GetString() == "*" || v.GetString() == value));

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
