using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Autorest;

namespace BareLb.Kube.Client;

/// <summary>Writes of one namespaced <c>metallb.io</c> kind, through <see cref="KubeApi"/>.</summary>
/// <param name="client">The client whose HTTP pipeline carries the requests.</param>
/// <param name="version">The API version of the kind, e.g. <c>v1beta1</c>.</param>
/// <param name="namespace">The objects' namespace.</param>
/// <param name="plural">The kind's plural resource name.</param>
internal sealed class CustomObjects(ApiConnection client, string version, string @namespace, string plural)
{
    /// <summary>Creates <paramref name="body"/> and returns the object the server stored (with its generated name).</summary>
    /// <exception cref="HttpOperationException">The server refused it.</exception>
    public Task<T> CreateAsync<T>(T body, CancellationToken cancellationToken)
        where T : notnull =>
        KubeApi.CreateAsync(client, Path(), body, cancellationToken);

    /// <summary>Applies a JSON merge patch to object <paramref name="name"/>, or to its status subresource.</summary>
    /// <exception cref="HttpOperationException">The server refused it (404 when the object is gone).</exception>
    public Task PatchAsync(string name, string mergePatch, bool status, CancellationToken cancellationToken) =>
        KubeApi.PatchAsync(client, Path(name, status ? "status" : null), mergePatch, cancellationToken);

    /// <summary>Deletes object <paramref name="name"/>.</summary>
    /// <exception cref="HttpOperationException">The server refused it (404 when the object is gone).</exception>
    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        KubeApi.DeleteAsync(client, Path(name), cancellationToken);

    private string Path(string? name = null, string? subresource = null) =>
        ApiPath.Group($"{MetalLbApi.Group}/{version}", plural, @namespace, name, subresource);
}
