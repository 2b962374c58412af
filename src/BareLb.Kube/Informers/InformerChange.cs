namespace BareLb.Kube.Informers;

/// <summary>What happened to an object in an informer's cache.</summary>
internal enum InformerChangeType
{
    /// <summary>The object appeared.</summary>
    Added,

    /// <summary>The object changed.</summary>
    Modified,

    /// <summary>The object went away (deleted, or missing from a relist).</summary>
    Deleted,
}

/// <summary>A change in an informer's cache.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Type">What happened.</param>
/// <param name="Key">The object's "namespace/name" (or "name" for cluster objects).</param>
/// <param name="Item">The object now, or as it was last seen when deleted.</param>
internal readonly record struct InformerChange<T>(InformerChangeType Type, string Key, T Item);
