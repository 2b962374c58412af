using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BareLb.Kube.Client;
using BareLb.Kube.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Informers;

/// <summary>
/// Lists and watches one namespaced custom resource, reading its JSON with <see cref="KubeJson"/>.
/// A resource type the server does not serve (its CRD is not installed: 404) lists as empty, so an
/// informer over it syncs at once; its watch then waits <paramref name="absentRecheck"/> and ends as if
/// the history were gone, so the informer lists again and notices when the CRD appears.
/// </summary>
/// <typeparam name="T">The custom resource type.</typeparam>
internal sealed class CustomResourceListWatch<T>(
    ApiConnection client,
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
            var query = ApiPath.Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("continue", continueToken));
            var text = await RawApiRequest.SendJsonAsync(client, HttpMethod.Get, Path + query, null, null, cancellationToken).ConfigureAwait(false);
            using var list = JsonDocument.Parse(text);
            _absent = false;
            var items = new List<T>();
            if (list.RootElement.TryGetProperty("items", out var elements) && elements.ValueKind == JsonValueKind.Array)
            {
                foreach (var element in elements.EnumerateArray())
                {
                    items.Add(KubeJson.Deserialize<T>(element));
                }
            }

            var metadata = list.RootElement.TryGetProperty("metadata", out var meta) ? KubeJson.Deserialize<V1ListMeta>(meta) : null;
            return new ListResult<T>(items, metadata?.ResourceVersion ?? "") { Continue = metadata?.ContinueProperty };
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
            var events = ResourceWatch.WatchAsync<T>(client, Path, null, resourceVersion, watchTimeoutSeconds, onError, cancellationToken);
            var enumerator = events.GetAsyncEnumerator(cancellationToken);
            await using (enumerator.ConfigureAwait(false))
            {
                while (await NextAsync(enumerator).ConfigureAwait(false))
                {
                    yield return enumerator.Current;
                }
            }
        }

        if (_absent)
        {
            await Task.Delay(absentRecheck, timeProvider, cancellationToken).ConfigureAwait(false);
            onError(NotServed());
        }
    }

    private string Path => ApiPath.Group($"{group}/{version}", plural, @namespace);

    // Moves on; false at the end, or when the resource type turns out not to be served.
    private async Task<bool> NextAsync(IAsyncEnumerator<(WatchEventType, T)> enumerator)
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
}
