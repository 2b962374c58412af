using System.Net;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class ConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentWriters_WatchersSeeEveryChangeInResourceVersionOrder()
    {
        await using var scope = await ApiServerScope.StartAsync();
        const int writers = 8;
        const int changesEach = 25;
        for (var w = 0; w < writers; w++)
        {
            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"cm-{w}" } }, "default", cancellationToken: Ct);
        }

        var start = scope.Server.ResourceVersion;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var seen = new List<long>[2];
        var watches = Enumerable.Range(0, 2).Select(i =>
        {
            seen[i] = [];
            return Task.Run(async () =>
            {
                try
                {
                    await foreach (var (_, cm) in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: start, cancellationToken: stop.Token))
                    {
                        seen[i].Add(long.Parse(cm.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
                        if (seen[i].Count == writers * changesEach)
                        {
                            return;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }, CancellationToken.None);
        }).ToArray();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var c = 0; c < changesEach; c++)
            {
                await scope.Client.CoreV1.PatchNamespacedConfigMapAsync(
                    new V1Patch("{\"data\":{\"n\":\"" + c + "\"}}", V1Patch.PatchType.MergePatch), $"cm-{w}", "default", cancellationToken: Ct);
            }
        }, Ct)));
        await Task.WhenAll(watches).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        foreach (var versions in seen)
        {
            Assert.Equal(writers * changesEach, versions.Count);
            Assert.Equal(versions.Order(), versions);
            Assert.Equal(versions.Count, versions.Distinct().Count());
        }
    }

    [Fact]
    public async Task InvalidNames_AreRejectedWith422()
    {
        await using var scope = await ApiServerScope.StartAsync();

        var service = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedServiceAsync(Objects.Service("1-web"), "default", cancellationToken: Ct));
        var configMap = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "Upper" } }, "default", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, service.Response.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, configMap.Response.StatusCode);
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kube-proxy.v1" } }, "default", cancellationToken: Ct);
    }
}
