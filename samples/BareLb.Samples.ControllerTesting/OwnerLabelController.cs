using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Samples.ControllerTesting;

/// <summary>
/// The controller under test, as another project would write it: every ConfigMap in a namespace gets the label
/// <c>owner</c> copied from its namespace's label <c>team</c>. It lists, then watches, and writes with
/// <c>update</c> (so a concurrent change answers 409, and it reads the object again and retries).
/// </summary>
public sealed class OwnerLabelController(IKubernetes client, string @namespace)
{
    /// <summary>Runs until cancelled: labels what exists, then each change.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await client.CoreV1.ListNamespacedConfigMapAsync(@namespace, cancellationToken: cancellationToken);
                foreach (var item in list.Items)
                {
                    await ReconcileAsync(item.Metadata.Name, cancellationToken);
                }

                await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(
                    @namespace, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancellationToken))
                {
                    if (type is WatchEventType.Added or WatchEventType.Modified)
                    {
                        await ReconcileAsync(item.Metadata.Name, cancellationToken);
                    }
                }
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // A failed list or write, or a watch cut off: start over (a real controller would back off).
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
    }

    private async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        var team = LabelOf(await client.CoreV1.ReadNamespaceAsync(@namespace, cancellationToken: cancellationToken), "team");
        for (var attempt = 0; ; attempt++)
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync(name, @namespace, cancellationToken: cancellationToken);
            if (team is null || LabelOf(map, "owner") == team)
            {
                return;
            }

            map.Metadata.Labels ??= new Dictionary<string, string>();
            map.Metadata.Labels["owner"] = team;
            try
            {
                await client.CoreV1.ReplaceNamespacedConfigMapAsync(map, name, @namespace, cancellationToken: cancellationToken);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                // Someone wrote in between: read again.
            }
        }
    }

    private static string? LabelOf(IMetadata<V1ObjectMeta> obj, string key) =>
        obj.Metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : null;
}
