using System.Net;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Authorization;

/// <summary>
/// RBAC's resourceNames as kube-apiserver applies them: a Role naming one ConfigMap lets a ServiceAccount get it, and
/// list or watch it when the request names it with a <c>metadata.name</c> field selector; a list without that
/// selector, or naming another object, is refused with 403.
/// </summary>
public sealed class ResourceNamesTests
{
    private const string Rbac = """
        {"apiVersion":"v1","kind":"List","items":[
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"kube-proxy-reader","namespace":"kube-system"},"rules":[
            {"apiGroups":[""],"resources":["configmaps"],"resourceNames":["kube-proxy"],"verbs":["get","list","watch"]}]},
          {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"kube-proxy-reader","namespace":"kube-system"},
           "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"kube-proxy-reader"},
           "subjects":[{"kind":"ServiceAccount","name":"speaker","namespace":"metallb-system"}]},
          {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kube-proxy","namespace":"kube-system"},"data":{"config.conf":"mode: ipvs"}},
          {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other","namespace":"kube-system"}}]}
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AListOrWatchNarrowedToANamedObject_IsAllowed_AndAnyOtherListIsForbidden()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(Rbac);
        using var speaker = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(scope.Server.CreateServiceAccountKubeconfig("metallb-system", "speaker")));

        Assert.Equal("kube-proxy", (await speaker.CoreV1.ReadNamespacedConfigMapAsync("kube-proxy", "kube-system", cancellationToken: Ct)).Metadata.Name);
        var listed = await speaker.CoreV1.ListNamespacedConfigMapAsync("kube-system", fieldSelector: "metadata.name=kube-proxy", cancellationToken: Ct);
        Assert.Equal("kube-proxy", Assert.Single(listed.Items).Metadata.Name);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var events = speaker.CoreV1.WatchListNamespacedConfigMapAsync("kube-system", fieldSelector: "metadata.name==kube-proxy", resourceVersion: listed.Metadata.ResourceVersion, cancellationToken: watch.Token);
        var first = Task.Run(async () =>
        {
            await foreach (var (type, configMap) in events)
            {
                return (type, configMap.Metadata.Name);
            }

            return default;
        }, Ct);
        await scope.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"config.conf":"mode: ipvs\nipvs:\n  strictARP: true"}}""", V1Patch.PatchType.MergePatch), "kube-proxy", "kube-system", cancellationToken: Ct);
        Assert.Equal((WatchEventType.Modified, "kube-proxy"), await first.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        await watch.CancelAsync();

        foreach (var selector in new string?[] { null, "metadata.name=other", "metadata.namespace=kube-system" })
        {
            var refused = await Assert.ThrowsAsync<HttpOperationException>(() => speaker.CoreV1.ListNamespacedConfigMapAsync("kube-system", fieldSelector: selector, cancellationToken: Ct));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        }
    }
}
