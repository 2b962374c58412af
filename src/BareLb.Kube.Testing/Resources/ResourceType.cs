namespace BareLb.Kube.Testing.Resources;

/// <summary>One served resource of one group version: what discovery lists and what the handlers need.</summary>
internal sealed record ResourceType
{
    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Plural { get; init; }

    public required string Singular { get; init; }

    public required string Kind { get; init; }

    public required bool Namespaced { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Whether the resource has a <c>/status</c> subresource.</summary>
    public bool HasStatus { get; init; }

    /// <summary>Whether <c>metadata.generation</c> is maintained (custom resources, CRDs).</summary>
    public bool HasGeneration { get; init; }

    /// <summary>Whether strategic merge patch is accepted (built-in types only).</summary>
    public bool StrategicMerge { get; init; } = true;

    /// <summary>Printer columns of a custom resource; built-in kinds use <see cref="Tables.BuiltInTables"/>.</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    /// <summary>The CRD that defines this type, or null for a built-in type.</summary>
    public string? DefinedBy { get; init; }

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The key objects are stored under, shared by every version of a resource (and by both Event APIs).</summary>
    public string StorageKey => StoredWith ?? $"{Group}/{Plural}";

    /// <summary>The storage key of another resource whose objects this one serves in its own form, or null.</summary>
    public string? StoredWith { get; init; }

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public static IReadOnlyList<string> AllVerbs { get; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
