using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Informers;

/// <summary>
/// Lists and watches one namespaced custom resource through KubernetesClient's CustomObjects API.
/// A resource type the server does not serve (its CRD is not installed: 404) lists as empty, so an
/// informer over it syncs at once; its watch then waits <paramref name="absentRecheck"/> and ends as if
/// the history were gone, so the informer lists again and notices when the CRD appears.
/// </summary>
/// <typeparam name="T">The custom resource type.</typeparam>
internal sealed class CustomResourceListWatch<T>(
    IKubernetes client,
    string group,
    string version,
    string plural,
    string @namespace,
    TimeSpan absentRecheck,
    TimeProvider timeProvider,
    int watchTimeoutSeconds) : IListWatch<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private volatile bool _absent;

    public Task<ListResult<T>> ListAsync(CancellationToken cancellationToken) => ListPageAsync(null, null, cancellationToken);

    public Task<ListResult<T>> ListPageAsync(int limit, string? continueToken, CancellationToken cancellationToken) => ListPageAsync((int?)limit, continueToken, cancellationToken);

    private async Task<ListResult<T>> ListPageAsync(int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        try
        {
            var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<ResourceList>(
                group, version, @namespace, plural, continueParameter: continueToken, limit: limit, cancellationToken: cancellationToken).ConfigureAwait(false);
            _absent = false;
            return new ListResult<T>([.. list.Items ?? []], list.Metadata?.ResourceVersion ?? "") { Continue = list.Metadata?.ContinueProperty };
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            _absent = true;
            return new ListResult<T>([], "");
        }
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onError);
        if (!_absent)
        {
            var events = client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                group,
                version,
                @namespace,
                plural,
                allowWatchBookmarks: true,
                resourceVersion: resourceVersion,
                timeoutSeconds: watchTimeoutSeconds,
                onError: onError,
                cancellationToken: cancellationToken);
            var enumerator = events.GetAsyncEnumerator(cancellationToken);
            await using (enumerator.ConfigureAwait(false))
            {
                while (await NextAsync(enumerator).ConfigureAwait(false))
                {
                    var (type, item) = enumerator.Current;
                    yield return (type, KubernetesJson.Deserialize<T>(item is JsonElement json ? json.GetRawText() : KubernetesJson.Serialize(item)));
                }
            }
        }

        if (_absent)
        {
            await Task.Delay(absentRecheck, timeProvider, cancellationToken).ConfigureAwait(false);
            onError(NotServed());
        }
    }

    // Moves on; false at the end, or when the resource type turns out not to be served.
    private async Task<bool> NextAsync(IAsyncEnumerator<(WatchEventType, object)> enumerator)
    {
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            _absent = true;
            return false;
        }
    }

    private KubernetesException NotServed() => new(new V1Status
    {
        Code = (int)HttpStatusCode.Gone,
        Reason = "Expired",
        Message = $"{plural}.{group}/{version} is not served (its CustomResourceDefinition is not installed); listing again",
    });

    /// <summary>The list envelope of the custom resource.</summary>
    internal sealed class ResourceList : IItems<T>, IMetadata<V1ListMeta>
    {
        [JsonPropertyName("apiVersion")]
        public string? ApiVersion { get; set; }

        [JsonPropertyName("kind")]
        public string? Kind { get; set; }

        [JsonPropertyName("metadata")]
        public V1ListMeta Metadata { get; set; } = new();

        [JsonPropertyName("items")]
        public IList<T> Items { get; set; } = [];
    }
}
