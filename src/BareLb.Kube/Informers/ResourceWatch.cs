using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using BareLb.Kube.Client;
using BareLb.Kube.Serialization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Informers;

/// <summary>
/// Watches one collection of the API server: <c>GET path?watch=true</c>, then reads the stream of newline-delimited
/// JSON events (<c>{"type":"ADDED","object":{...}}</c>) itself, since KubernetesClient.Aot has no watcher. The request
/// goes out on the client's own HTTP pipeline (<see cref="RawApiRequest"/>).
/// </summary>
/// <remarks>
/// As KubernetesClient's watcher does: a request the server refuses throws <see cref="HttpOperationException"/> with
/// the response (so 403, 404 and 410 can be told apart); an ERROR event or an object of kind Status goes to the
/// error callback as a <see cref="KubernetesException"/> carrying the Status (410 Gone ends the watch in the informer);
/// a line that is not a watch event goes to the error callback and the stream goes on.
/// </remarks>
internal static class ResourceWatch
{
    /// <summary>
    /// The watch call of one collection, for <see cref="ListWatch.For{T, TList}(Func{int?, string?, CancellationToken, Task{TList}}, Func{string, int, Action{Exception}, CancellationToken, IAsyncEnumerable{ValueTuple{WatchEventType, T}}}, TimeSpan?)"/>:
    /// <paramref name="path"/> is relative to the server (e.g. <c>api/v1/services</c>,
    /// <c>apis/discovery.k8s.io/v1/endpointslices</c>, <c>api/v1/namespaces/NS/configmaps</c>).
    /// </summary>
    public static Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Of<T>(
        ApiConnection client, string path, string? fieldSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return (resourceVersion, timeoutSeconds, onError, cancellationToken) =>
            WatchAsync<T>(client, path, fieldSelector, resourceVersion, timeoutSeconds, onError, cancellationToken);
    }

    /// <summary>Watches <paramref name="path"/> from <paramref name="resourceVersion"/>, with bookmarks, until the server ends the stream.</summary>
    public static async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync<T>(
        ApiConnection client,
        string path,
        string? fieldSelector,
        string? resourceVersion,
        int timeoutSeconds,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onError);
        using var response = await RawApiRequest.WatchAsync(client, path + ApiPath.Query(
                ("watch", "true"),
                ("allowWatchBookmarks", "true"),
                ("fieldSelector", fieldSelector),
                ("resourceVersion", resourceVersion),
                ("timeoutSeconds", timeoutSeconds > 0 ? timeoutSeconds.ToString(CultureInfo.InvariantCulture) : null)), cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                if (Parse<T>(line, onError) is { } item)
                {
                    yield return item;
                }
            }
        }
    }

    // One event line; null when it is an error (reported) rather than an object.
    private static (WatchEventType, T)? Parse<T>(string line, Action<Exception> onError)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var typeText = root.TryGetProperty("type", out var type) ? type.GetString() : null;
            if (!root.TryGetProperty("object", out var item) || TypeOf(typeText) is not { } eventType)
            {
                onError(new JsonException($"not a watch event (type '{typeText}'): {Shorten(line)}"));
                return null;
            }

            if (eventType == WatchEventType.Error
                || (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("kind", out var kind) && kind.ValueEquals("Status")))
            {
                onError(new KubernetesException(KubeJson.Deserialize<V1Status>(item)));
                return null;
            }

            return (eventType, KubeJson.Deserialize<T>(item));
        }
        catch (JsonException e)
        {
            onError(e);
            return null;
        }
    }

    private static WatchEventType? TypeOf(string? text) => text switch
    {
        "ADDED" => WatchEventType.Added,
        "MODIFIED" => WatchEventType.Modified,
        "DELETED" => WatchEventType.Deleted,
        "ERROR" => WatchEventType.Error,
        "BOOKMARK" => WatchEventType.Bookmark,
        _ => null,
    };

    private static string Shorten(string line) => line.Length <= 200 ? line : string.Concat(line.AsSpan(0, 200), "…");
}
