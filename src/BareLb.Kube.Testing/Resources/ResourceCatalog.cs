namespace BareLb.Kube.Testing.Resources;

/// <summary>The resources served right now: the built-ins plus those that established CRDs add.</summary>
internal sealed class ResourceCatalog
{
    private readonly Lock _gate = new();
    private ResourceType[] _types;

    public ResourceCatalog(IEnumerable<ResourceType> builtIns) => _types = [.. builtIns];

    public IReadOnlyList<ResourceType> All => Volatile.Read(ref _types);

    public ResourceType? Find(string group, string version, string plural)
    {
        foreach (var type in Volatile.Read(ref _types))
        {
            if (type.Plural == plural && type.Version == version && type.Group == group)
            {
                return type;
            }
        }

        return null;
    }

    public ResourceType? FindKind(string apiVersion, string kind)
    {
        foreach (var type in Volatile.Read(ref _types))
        {
            if (type.Kind == kind && type.ApiVersion == apiVersion)
            {
                return type;
            }
        }

        return null;
    }

    /// <summary>Replaces every type defined by <paramref name="crdName"/> with <paramref name="types"/>.</summary>
    public void ReplaceDefinedBy(string crdName, IReadOnlyList<ResourceType> types)
    {
        lock (_gate)
        {
            _types = [.. _types.Where(t => t.DefinedBy != crdName), .. types];
        }
    }

    /// <summary>The group versions in the order discovery lists them (core first, then groups by name).</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        return [.. All.GroupBy(t => t.Group)
            .OrderBy(g => g.Key.Length == 0 ? 0 : 1)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(t => t.Version).Distinct().Order(VersionPriority.Instance)]))];
    }
}
