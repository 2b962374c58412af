using System.Text;
using BareLb.Kube.Client;
using BareLb.Kube.Memberlist;
using BareLb.Kube.Testing;
using k8s;

namespace BareLb.Kube.Tests.Memberlist;

public sealed class MemberlistSecretTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Namespace = """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""";

    [Fact]
    public async Task EnsureAsync_NoSecret_CreatesA128BitKeyOwnedByTheControllerDeployment()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        server.Seed(Namespace);
        server.Seed("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"controller","namespace":"metallb-system"},"spec":{"selector":{"matchLabels":{"app":"metallb"}},"template":{"metadata":{"labels":{"app":"metallb"}},"spec":{"containers":[{"name":"controller","image":"barelb/controller:0.1.0"}]}}}}""");
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("controller", "metallb-system", cancellationToken: Ct);

        var created = await new MemberlistSecret(ApiConnection.Of(client), new MemberlistSecretOptions()).EnsureAsync(Ct);

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("memberlist", "metallb-system", cancellationToken: Ct);
        var key = Encoding.ASCII.GetString(secret.Data[MemberlistSecretOptions.KeyName]);
        Assert.True(created);
        Assert.Matches("^[A-Za-z0-9+/]{22}$", key);
        Assert.Equal(16, Convert.FromBase64String(key + "==").Length);
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.Equal(("apps/v1", "Deployment", "controller", deployment.Metadata.Uid), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid));
    }

    [Fact]
    public async Task EnsureAsync_SecretExists_LeavesItsKeyAlone()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        server.Seed(Namespace);
        server.Seed("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"memberlist","namespace":"metallb-system"},"data":{"secretkey":"bXlrZXk="}}""");

        var created = await new MemberlistSecret(ApiConnection.Of(client), new MemberlistSecretOptions()).EnsureAsync(Ct);

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("memberlist", "metallb-system", cancellationToken: Ct);
        Assert.False(created);
        Assert.Equal("mykey", Encoding.ASCII.GetString(secret.Data["secretkey"]));
        Assert.Null(secret.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task RunAsync_RetriesAfterAFailure_AndCreatesWithoutOwnerWhenNoDeployment()
    {
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath));
        server.Seed(Namespace);
        server.Faults.FailNext("create", "secrets", 500, count: 2);

        await new MemberlistSecret(ApiConnection.Of(client), new MemberlistSecretOptions { SecretName = "ml", RetryDelay = TimeSpan.FromMilliseconds(10) }).RunAsync(Ct);

        var secret = await client.CoreV1.ReadNamespacedSecretAsync("ml", "metallb-system", cancellationToken: Ct);
        Assert.Null(secret.Metadata.OwnerReferences);
        Assert.True(secret.Data.ContainsKey("secretkey"));
    }

    [Fact]
    public void NewKey_IsFreshEachTime()
    {
        Assert.NotEqual(MemberlistSecret.NewKey(), MemberlistSecret.NewKey());
        Assert.Equal(22, MemberlistSecret.NewKey().Length);
    }

    [Fact]
    public void Options_Invalid_AreNamed()
    {
        Assert.Equal("SecretName: must not be empty", new MemberlistSecretOptions { SecretName = " " }.Validate());
        Assert.Throws<ArgumentException>(() => new MemberlistSecret(ApiConnection.Create(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }), new MemberlistSecretOptions { Namespace = "" }));
    }
}
