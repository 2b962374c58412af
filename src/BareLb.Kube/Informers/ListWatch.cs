using System.Globalization;
using BareLb.Kube.Client;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Informers;

/// <summary>Builds an <see cref="IListWatch{T}"/> from a list call and its watch call, or from a collection's path.</summary>
internal static class ListWatch
{
    /// <summary>
    /// An <see cref="IListWatch{T}"/> over KubernetesClient's list and watch methods, e.g.
    /// <c>ListWatch.For(ct =&gt; client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct),
    /// (rv, timeout, onError, ct) =&gt; client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true,
    /// resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct))</c>.
    /// The watch is called with the resourceVersion, the server-side timeout in seconds, the error callback and the token.
    /// </summary>
    public static IListWatch<T> For<T, TList>(
        Func<CancellationToken, Task<TList>> list,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        TimeSpan? watchTimeout = null)
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(watch);
        return new CallListWatch<T, TList>(list, watch, (int)(watchTimeout ?? TimeSpan.FromMinutes(5)).TotalSeconds);
    }

    /// <summary>
    /// An <see cref="IListWatch{T}"/> that lists in pages, over KubernetesClient's list and watch methods, e.g.
    /// <c>ListWatch.For((limit, next, ct) =&gt; client.CoreV1.ListServiceForAllNamespacesAsync(limit: limit, continueParameter: next,
    /// cancellationToken: ct), (rv, timeout, onError, ct) =&gt; ...)</c>. The list is called with the page size (null for
    /// everything at once), the continue token of the page (null for the first) and the token.
    /// </summary>
    public static IListWatch<T> For<T, TList>(
        Func<int?, string?, CancellationToken, Task<TList>> listPage,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        TimeSpan? watchTimeout = null)
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        ArgumentNullException.ThrowIfNull(listPage);
        ArgumentNullException.ThrowIfNull(watch);
        return new PagedCallListWatch<T, TList>(listPage, watch, (int)(watchTimeout ?? TimeSpan.FromMinutes(5)).TotalSeconds);
    }

    /// <summary>
    /// An <see cref="IListWatch{T}"/> over one collection of the API server at <paramref name="collectionPath"/> (e.g.
    /// <c>api/v1/services</c>, <c>api/v1/namespaces/NS/configmaps</c>): lists in pages through <see cref="KubeApi"/>,
    /// watches through <see cref="ResourceWatch"/>, both with <paramref name="fieldSelector"/> when given.
    /// </summary>
    public static IListWatch<T> Of<T, TList>(ApiConnection client, string collectionPath, string? fieldSelector = null, TimeSpan? watchTimeout = null)
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(collectionPath);
        return For<T, TList>(
            (limit, next, ct) => KubeApi.GetAsync<TList>(
                client,
                collectionPath + ApiPath.Query(("fieldSelector", fieldSelector), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("continue", next)),
                ct),
            ResourceWatch.Of<T>(client, collectionPath, fieldSelector),
            watchTimeout);
    }

    /// <summary>
    /// An <see cref="IListWatch{T}"/> over one namespaced custom resource (e.g. <c>metallb.io</c>, <c>v1beta1</c>,
    /// <c>ipaddresspools</c>). When the server does not serve the resource (its CRD is not installed), the list is
    /// empty and the informer lists again every <paramref name="absentRecheck"/> (default 30 s), so installing the
    /// CRD later is noticed without a restart.
    /// </summary>
    public static IListWatch<T> ForCustomResource<T>(
        ApiConnection client,
        string group,
        string version,
        string plural,
        string @namespace,
        TimeSpan? absentRecheck = null,
        TimeProvider? timeProvider = null,
        TimeSpan? watchTimeout = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(version);
        ArgumentException.ThrowIfNullOrEmpty(plural);
        ArgumentException.ThrowIfNullOrEmpty(@namespace);
        return new CustomResourceListWatch<T>(
            client,
            group,
            version,
            plural,
            @namespace,
            absentRecheck ?? TimeSpan.FromSeconds(30),
            timeProvider ?? TimeProvider.System,
            (int)(watchTimeout ?? TimeSpan.FromMinutes(5)).TotalSeconds);
    }

    private sealed class CallListWatch<T, TList>(
        Func<CancellationToken, Task<TList>> list,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        int timeoutSeconds) : IListWatch<T>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        public async Task<ListResult<T>> ListAsync(CancellationToken cancellationToken)
        {
            var result = await list(cancellationToken).ConfigureAwait(false);
            return new ListResult<T>([.. result.Items ?? []], result.Metadata?.ResourceVersion ?? "");
        }

        public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken) =>
            watch(resourceVersion, timeoutSeconds, onError, cancellationToken);
    }

    private sealed class PagedCallListWatch<T, TList>(
        Func<int?, string?, CancellationToken, Task<TList>> listPage,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        int timeoutSeconds) : IListWatch<T>
        where TList : IItems<T>, IMetadata<V1ListMeta>
    {
        public Task<ListResult<T>> ListAsync(CancellationToken cancellationToken) => PageAsync(null, null, cancellationToken);

        public Task<ListResult<T>> ListPageAsync(int limit, string? continueToken, CancellationToken cancellationToken) => PageAsync(limit, continueToken, cancellationToken);

        public IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken) =>
            watch(resourceVersion, timeoutSeconds, onError, cancellationToken);

        private async Task<ListResult<T>> PageAsync(int? limit, string? continueToken, CancellationToken cancellationToken)
        {
            var result = await listPage(limit, continueToken, cancellationToken).ConfigureAwait(false);
            return new ListResult<T>([.. result.Items ?? []], result.Metadata?.ResourceVersion ?? "") { Continue = result.Metadata?.ContinueProperty };
        }
    }
}
