namespace BareLb.Kube.Informers;

/// <summary>The type of one event of a watch stream (the <c>type</c> field the API server writes).</summary>
internal enum WatchEventType
{
    /// <summary>An object was created (or, right after the watch starts, exists).</summary>
    Added,

    /// <summary>An object changed.</summary>
    Modified,

    /// <summary>An object was deleted.</summary>
    Deleted,

    /// <summary>The server reports an error (its object is a Status, such as 410 Gone).</summary>
    Error,

    /// <summary>Only the resourceVersion moved on; the object carries nothing else.</summary>
    Bookmark,
}
