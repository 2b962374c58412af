using k8s;
using BareLb.Kube.Testing.Tests.Support;

namespace BareLb.Kube.Testing.Tests.Client;

public sealed class TlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Tls_KubeconfigCarriesTheCa_AndTheClientVerifiesIt()
    {
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { UseTls = true });

        Assert.Equal("https", scope.Server.BaseAddress.Scheme);
        Assert.Contains("certificate-authority-data:", await File.ReadAllTextAsync(scope.Server.KubeconfigPath, Ct), StringComparison.Ordinal);
        var namespaces = await scope.Client.CoreV1.ListNamespaceAsync(cancellationToken: Ct);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
    }

    [Fact]
    public async Task Tls_Kubectl_TrustsTheGeneratedCertificate()
    {
        await using var scope = await ApiServerScope.StartAsync(new KubeApiServerOptions { UseTls = true });

        var result = (await KubectlRunner.RunAsync(scope.Server, "get", "ns", "kube-system", "-o", "name")).Succeeded();

        Assert.Equal("namespace/kube-system\n", result.Stdout);
    }
}
