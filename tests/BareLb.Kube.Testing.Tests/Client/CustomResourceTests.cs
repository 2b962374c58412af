using System.Net;
using System.Text.Json;
using BareLb.Kube.Testing.Tests.Support;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class CustomResourceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal const string IpAddressPoolCrd = """
        {
          "apiVersion": "apiextensions.k8s.io/v1",
          "kind": "CustomResourceDefinition",
          "metadata": { "name": "ipaddresspools.metallb.io" },
          "spec": {
            "group": "metallb.io",
            "names": { "kind": "IPAddressPool", "listKind": "IPAddressPoolList", "plural": "ipaddresspools", "singular": "ipaddresspool" },
            "scope": "Namespaced",
            "versions": [{
              "name": "v1beta1", "served": true, "storage": true,
              "subresources": { "status": {} },
              "additionalPrinterColumns": [
                { "name": "Auto Assign", "type": "boolean", "jsonPath": ".spec.autoAssign" },
                { "name": "Addresses", "type": "string", "jsonPath": ".spec.addresses" }
              ],
              "schema": { "openAPIV3Schema": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } }
            }]
          }
        }
        """;

    private static object Pool(string name, params string[] addresses) => new Dictionary<string, object>
    {
        ["apiVersion"] = "metallb.io/v1beta1",
        ["kind"] = "IPAddressPool",
        ["metadata"] = new Dictionary<string, object> { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new Dictionary<string, object> { ["addresses"] = addresses, ["autoAssign"] = true },
    };

    [Fact]
    public async Task CreatingACrd_ServesTheNewResource()
    {
        await using var scope = await ApiServerScope.StartAsync();
        var crd = KubernetesJson.Deserialize<V1CustomResourceDefinition>(IpAddressPoolCrd);

        var created = await scope.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);
        Assert.Contains(created.Status.Conditions, c => c.Type == "Established" && c.Status == "True");

        await scope.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Pool("default-pool", "198.18.35.100-198.18.35.110"), "metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct);
        var list = (JsonElement)await scope.Client.CustomObjects.ListNamespacedCustomObjectAsync("metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct);

        var item = list.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("IPAddressPoolList", list.GetProperty("kind").GetString());
        Assert.Equal("default-pool", item.GetProperty("metadata").GetProperty("name").GetString());
        Assert.Equal(1, item.GetProperty("metadata").GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task CustomResource_StatusSubresource_SeparatesSpecAndStatus()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(IpAddressPoolCrd);
        await scope.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Pool("p", "198.18.35.100/32"), "metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct);

        var statusPatch = new V1Patch("""{"spec":{"autoAssign":false},"status":{"assignedIPv4":1}}""", V1Patch.PatchType.MergePatch);
        var afterStatus = (JsonElement)await scope.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(statusPatch, "metallb.io", "v1beta1", "default", "ipaddresspools", "p", cancellationToken: Ct);
        var specPatch = new V1Patch("""{"spec":{"autoAssign":false},"status":{"assignedIPv4":7}}""", V1Patch.PatchType.MergePatch);
        var afterSpec = (JsonElement)await scope.Client.CustomObjects.PatchNamespacedCustomObjectAsync(specPatch, "metallb.io", "v1beta1", "default", "ipaddresspools", "p", cancellationToken: Ct);

        Assert.True(afterStatus.GetProperty("spec").GetProperty("autoAssign").GetBoolean());
        Assert.Equal(1, afterStatus.GetProperty("status").GetProperty("assignedIPv4").GetInt32());
        Assert.Equal(1, afterStatus.GetProperty("metadata").GetProperty("generation").GetInt64());
        Assert.False(afterSpec.GetProperty("spec").GetProperty("autoAssign").GetBoolean());
        Assert.Equal(1, afterSpec.GetProperty("status").GetProperty("assignedIPv4").GetInt32());
        Assert.Equal(2, afterSpec.GetProperty("metadata").GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task CustomResource_RejectsStrategicMergePatch()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(IpAddressPoolCrd);
        await scope.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Pool("p", "198.18.35.100/32"), "metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"autoAssign":false}}""", V1Patch.PatchType.StrategicMergePatch), "metallb.io", "v1beta1", "default", "ipaddresspools", "p", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, error.Response.StatusCode);
    }

    [Fact]
    public async Task DeletingACrd_StopsServingAndDropsObjects()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(IpAddressPoolCrd);
        await scope.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Pool("p", "198.18.35.100/32"), "metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct);

        await scope.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("ipaddresspools.metallb.io", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CustomObjects.ListNamespacedCustomObjectAsync("metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        scope.Server.Seed(IpAddressPoolCrd);
        var list = (JsonElement)await scope.Client.CustomObjects.ListNamespacedCustomObjectAsync("metallb.io", "v1beta1", "default", "ipaddresspools", cancellationToken: Ct);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Discovery_ListsTheCustomResource()
    {
        await using var scope = await ApiServerScope.StartAsync();
        scope.Server.Seed(IpAddressPoolCrd);

        var groups = await scope.Client.Apis.GetAPIVersionsAsync(cancellationToken: Ct);
        var group = Assert.Single(groups.Groups, g => g.Name == "metallb.io");
        Assert.Equal("metallb.io/v1beta1", group.PreferredVersion.GroupVersion);
    }
}
