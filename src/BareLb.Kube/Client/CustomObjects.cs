using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Serialization;
using k8s;
using k8s.Autorest;

namespace BareLb.Kube.Client;

/// <summary>
/// Writes of namespaced <c>metallb.io</c> objects, with their JSON through <see cref="KubeJson"/>: KubernetesClient.Aot's
/// CustomObjects calls write and read bodies of type <see cref="object"/> through its own source-generated metadata,
/// which knows only the built-in kinds.
/// </summary>
/// <param name="client">The client whose HTTP pipeline carries the requests.</param>
/// <param name="version">The API version of the kind, e.g. <c>v1beta1</c>.</param>
/// <param name="namespace">The objects' namespace.</param>
/// <param name="plural">The kind's plural resource name.</param>
internal sealed class CustomObjects(IKubernetes client, string version, string @namespace, string plural)
{
    private const string MergePatch = "application/merge-patch+json";

    private string Collection => $"apis/{MetalLbApi.Group}/{version}/namespaces/{Uri.EscapeDataString(@namespace)}/{plural}";

    /// <summary>Creates <paramref name="body"/> and returns the object the server stored (with its generated name).</summary>
    /// <exception cref="HttpOperationException">The server refused it.</exception>
    public async Task<T> CreateAsync<T>(T body, CancellationToken cancellationToken)
        where T : notnull
    {
        var created = await RawApiRequest.SendJsonAsync(client, HttpMethod.Post, Collection, KubeJson.Serialize(body), null, cancellationToken).ConfigureAwait(false);
        return KubeJson.Deserialize<T>(created);
    }

    /// <summary>Applies a JSON merge patch to object <paramref name="name"/>, or to its status subresource.</summary>
    /// <exception cref="HttpOperationException">The server refused it (404 when the object is gone).</exception>
    public Task PatchAsync(string name, string mergePatch, bool status, CancellationToken cancellationToken) =>
        RawApiRequest.SendJsonAsync(client, HttpMethod.Patch, $"{Collection}/{Uri.EscapeDataString(name)}{(status ? "/status" : "")}", mergePatch, MergePatch, cancellationToken);

    /// <summary>Deletes object <paramref name="name"/>.</summary>
    /// <exception cref="HttpOperationException">The server refused it (404 when the object is gone).</exception>
    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        RawApiRequest.SendJsonAsync(client, HttpMethod.Delete, $"{Collection}/{Uri.EscapeDataString(name)}", null, null, cancellationToken);
}
