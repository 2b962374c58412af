using BareLb.Kube.Serialization;
using k8s;
using k8s.Autorest;

namespace BareLb.Kube.Client;

/// <summary>
/// The API calls BareLb makes, as plain requests on the client's HTTP pipeline (<see cref="RawApiRequest"/>) with their
/// JSON through <see cref="KubeJson"/>. KubernetesClient.Aot's generated calls read and write through metadata for every
/// built-in kind at once, which a natively compiled speaker would carry (and rehydrate into memory at start) whole;
/// these carry only the kinds BareLb uses. Errors are as the generated calls give them: <see cref="HttpOperationException"/>
/// with the response, and <see cref="TaskCanceledException"/> after the client's timeout.
/// </summary>
internal static class KubeApi
{
    private const string MergePatch = "application/merge-patch+json";

    /// <summary>Reads the object or list at <paramref name="pathAndQuery"/>.</summary>
    public static async Task<T> GetAsync<T>(ApiConnection client, string pathAndQuery, CancellationToken cancellationToken) =>
        KubeJson.Deserialize<T>(await RawApiRequest.SendJsonAsync(client, HttpMethod.Get, pathAndQuery, null, null, cancellationToken).ConfigureAwait(false));

    /// <summary>Creates <paramref name="body"/> in the collection at <paramref name="collectionPath"/>; returns what the server stored.</summary>
    public static async Task<T> CreateAsync<T>(ApiConnection client, string collectionPath, T body, CancellationToken cancellationToken)
        where T : notnull =>
        KubeJson.Deserialize<T>(await RawApiRequest.SendJsonAsync(client, HttpMethod.Post, collectionPath, KubeJson.Serialize(body), null, cancellationToken).ConfigureAwait(false));

    /// <summary>Replaces the object at <paramref name="path"/> (its resourceVersion guards against lost updates: 409 Conflict).</summary>
    public static async Task<T> ReplaceAsync<T>(ApiConnection client, string path, T body, CancellationToken cancellationToken)
        where T : notnull =>
        KubeJson.Deserialize<T>(await RawApiRequest.SendJsonAsync(client, HttpMethod.Put, path, KubeJson.Serialize(body), null, cancellationToken).ConfigureAwait(false));

    /// <summary>Applies a JSON merge patch to the object at <paramref name="path"/>.</summary>
    public static Task PatchAsync(ApiConnection client, string path, string mergePatch, CancellationToken cancellationToken) =>
        RawApiRequest.SendJsonAsync(client, HttpMethod.Patch, path, mergePatch, MergePatch, cancellationToken);

    /// <summary>Deletes the object at <paramref name="path"/>.</summary>
    public static Task DeleteAsync(ApiConnection client, string path, CancellationToken cancellationToken) =>
        RawApiRequest.SendJsonAsync(client, HttpMethod.Delete, path, null, null, cancellationToken);
}
