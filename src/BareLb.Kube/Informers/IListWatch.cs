using k8s;

namespace BareLb.Kube.Informers;

/// <summary>How an informer lists and watches one kind of object.</summary>
/// <typeparam name="T">The object type.</typeparam>
internal interface IListWatch<T>
{
    /// <summary>Lists every object, with the list's resourceVersion.</summary>
    Task<ListResult<T>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lists one page of at most <paramref name="limit"/> objects, from <paramref name="continueToken"/> (null for the
    /// first page); <see cref="ListResult{T}.Continue"/> names the next page. An expired token fails with 410 Gone.
    /// A source that cannot page answers everything at once (the default).
    /// </summary>
    Task<ListResult<T>> ListPageAsync(int limit, string? continueToken, CancellationToken cancellationToken) => ListAsync(cancellationToken);

    /// <summary>
    /// Watches from a resourceVersion, with bookmarks. Errors the server sends inside the stream
    /// (such as 410 Gone) are passed to <paramref name="onError"/>.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);
}

/// <summary>A list's objects and its resourceVersion.</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Items">The objects.</param>
/// <param name="ResourceVersion">The resourceVersion to watch from.</param>
internal sealed record ListResult<T>(IReadOnlyList<T> Items, string ResourceVersion)
{
    /// <summary>The token of the next page of a paged list, or null after the last page.</summary>
    public string? Continue { get; init; }
}
