using System.Net;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Configuration.Source;

/// <summary>Writes configuration objects' status through KubernetesClient, as JSON merge patches on the status subresource.</summary>
/// <param name="client">The client.</param>
public sealed class KubernetesConfigurationStatusWriter(IKubernetes client) : IConfigurationStatusWriter
{
    /// <inheritdoc/>
    public async Task<bool> WriteStatusAsync(string plural, string objectNamespace, string name, object status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var body = KubernetesJson.Serialize(new Dictionary<string, object> { ["status"] = status });
        try
        {
            await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                new V1Patch(body, V1Patch.PatchType.MergePatch), MetalLbApi.Group, MetalLbApi.VersionOf(plural), objectNamespace, plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
