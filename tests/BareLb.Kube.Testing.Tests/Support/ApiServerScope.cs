using k8s;

namespace BareLb.Kube.Testing.Tests.Support;

/// <summary>A server started for one test and a KubernetesClient pointed at it through its kubeconfig.</summary>
internal sealed class ApiServerScope : IAsyncDisposable
{
    private ApiServerScope(KubeApiServer server, Kubernetes client)
    {
        Server = server;
        Client = client;
    }

    public KubeApiServer Server { get; }

    public Kubernetes Client { get; }

    public static async Task<ApiServerScope> StartAsync(KubeApiServerOptions? options = null)
    {
        var server = await KubeApiServer.StartAsync(options, TestContext.Current.CancellationToken);
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(server.KubeconfigPath);
        return new ApiServerScope(server, new Kubernetes(config));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
