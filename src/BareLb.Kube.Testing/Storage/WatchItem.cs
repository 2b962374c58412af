namespace BareLb.Kube.Testing.Storage;

/// <summary>One entry of a watch stream: an object event, a bookmark, or an error.</summary>
internal readonly record struct WatchItem(string Type, StoredObject? Object, long BookmarkVersion, ApiException? Error)
{
    public static WatchItem Bookmark(long resourceVersion) => new("BOOKMARK", null, resourceVersion, null);

    public static WatchItem Failure(ApiException error) => new("ERROR", null, 0, error);
}
