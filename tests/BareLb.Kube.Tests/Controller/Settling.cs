using System.Globalization;
using BareLb.Kube.Controller;
using k8s;
using k8s.Autorest;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Controller;

/// <summary>
/// Waits until a controller has acted on everything the API server showed it, so that a test can then assert that
/// nothing (more) happened without sleeping: a marker Service (not a LoadBalancer, so the controller writes nothing
/// for it) is written, and once the controller's informer shows that write, every Service change before it has been
/// delivered and queued (the watch is ordered); then the controller's queue must become idle, which means every
/// decision was made and every write finished.
/// </summary>
internal static class Settling
{
    private const string MarkerNamespace = "barelb-test-settle";
    private const string MarkerName = "marker";
    private static int _counter;

    /// <summary>Returns once <paramref name="host"/>'s controller has caught up with the API server and is idle.</summary>
    public static async Task SettledAsync(IKubernetes client, ServiceControllerHost host)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(host);
        var ct = TestContext.Current.CancellationToken;
        var marker = await WriteMarkerAsync(client, ct);
        var key = $"{MarkerNamespace}/{MarkerName}";
        await Eventually.TrueAsync(
            () => string.Equals(host.Services.Get(key)?.Metadata?.ResourceVersion, marker.Metadata.ResourceVersion, StringComparison.Ordinal),
            $"the controller's informer shows the marker Service at resourceVersion {marker.Metadata.ResourceVersion}");
        await Eventually.CompletesAsync(host.Controller.WaitUntilIdleAsync(ct), "the controller becomes idle (nothing queued, processing or scheduled)", TimeSpan.FromSeconds(20));
    }

    private static async Task<V1Service> WriteMarkerAsync(IKubernetes client, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = MarkerNamespace } }, cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            // Made by an earlier call.
        }

        var value = Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
        try
        {
            return await client.CoreV1.CreateNamespacedServiceAsync(
                new V1Service
                {
                    Metadata = new V1ObjectMeta { Name = MarkerName, Annotations = new Dictionary<string, string> { ["barelb.test/settle"] = value } },
                    Spec = new V1ServiceSpec { Type = "ClusterIP", Ports = [new V1ServicePort { Port = 80, Protocol = "TCP" }] },
                },
                MarkerNamespace,
                cancellationToken: ct);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            return await client.CoreV1.PatchNamespacedServiceAsync(
                new V1Patch(KubeJson.Serialize(new V1Service { Metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { ["barelb.test/settle"] = value } } }), V1Patch.PatchType.MergePatch), MarkerName, MarkerNamespace, cancellationToken: ct);
        }
    }
}
