using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Namespaces;
using k8s;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// HTTP from this process into a lab's network namespace: each connection's socket is created inside the namespace
/// (<see cref="NetworkNamespaces.Run{T}"/>), so a Kubernetes client or a readiness probe reaches addresses that exist
/// only there, and nothing is opened on the host's own network.
/// </summary>
internal static class NamespaceConnections
{
    /// <summary>A Kubernetes client for <paramref name="kubeconfig"/> whose connections open in <paramref name="ns"/>.</summary>
    public static Kubernetes Kubernetes(string kubeconfig, string ns)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
        config.FirstMessageHandlerSetup = handler =>
        {
            if (handler is not SocketsHttpHandler sockets)
            {
                throw new InvalidOperationException($"The Kubernetes client's handler is a {handler.GetType().Name}; connections into a lab namespace need a SocketsHttpHandler.");
            }

            sockets.ConnectCallback = (context, ct) => ConnectAsync(ns, context.DnsEndPoint, ct);
        };
        return new Kubernetes(config);
    }

    /// <summary>An HTTP client whose connections open in <paramref name="ns"/>; requests time out after <paramref name="timeout"/>.</summary>
    public static HttpClient Http(string ns, TimeSpan timeout) =>
        new(new SocketsHttpHandler { ConnectCallback = (context, ct) => ConnectAsync(ns, context.DnsEndPoint, ct), PooledConnectionLifetime = TimeSpan.FromSeconds(30) }) { Timeout = timeout };

    private static async ValueTask<Stream> ConnectAsync(string ns, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var address = IPAddress.Parse(endpoint.Host.Trim('[', ']'));
        var socket = NetworkNamespaces.Run(ns, () => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
