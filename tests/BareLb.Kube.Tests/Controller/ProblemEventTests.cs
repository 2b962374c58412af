using BareLb.Kube.Client;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing;
using k8s;

namespace BareLb.Kube.Tests.Controller;

/// <summary>Events about configuration problems name their object as it is served: kind and apiVersion.</summary>
public sealed class ProblemEventTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("BGPPeer", "metallb.io/v1beta2")]
    [InlineData("IPAddressPool", "metallb.io/v1beta1")]
    [InlineData("L2Advertisement", "metallb.io/v1beta1")]
    [InlineData("ConfigMap", "v1")]
    public async Task AProblemEvent_NamesTheVersionItsObjectIsServedIn(string kind, string apiVersion)
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        var writer = new KubernetesServiceWriter(ApiConnection.Of(client), "barelb-controller");

        await writer.RecordProblemAsync(new ConfigurationProblem(ProblemSeverity.Error, kind, "one", "spec.x", "is wrong"), MetalLbApi.DefaultNamespace, "uid-1", Ct);

        var recorded = Assert.Single((await client.CoreV1.ListNamespacedEventAsync(MetalLbApi.DefaultNamespace, cancellationToken: Ct)).Items);
        Assert.Equal(kind, recorded.InvolvedObject.Kind);
        Assert.Equal(apiVersion, recorded.InvolvedObject.ApiVersion);
    }
}
