using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BareLb.Lab.Namespaces;
using BareLb.Lab.Topology;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// Stand-ins for the guide's dashboards: on every node, an HTTP server on each dashboard port (its sockets opened in
/// the node's namespace, on all addresses, IPv4 and IPv6). A request to a load-balancer address is answered with the
/// dashboard that address belongs to (through <see cref="KubeProxyStandIn.Services"/>) and the node that received it:
/// as kube-proxy would hand it to the dashboard's Pod, here the receiving node answers itself, so the answer shows
/// which node the speaker's announcement sent the client to.
/// </summary>
internal sealed class DashboardServers : IAsyncDisposable
{
    private readonly List<WebApplication> _servers = [];

    private DashboardServers()
    {
    }

    /// <summary>The first line of every answer: what a test or the guide's curl looks for.</summary>
    public static string Answer(string title, ServiceName service, IPAddress address, int port, string node) =>
        string.Create(CultureInfo.InvariantCulture, $"{title} dashboard ({service.Namespace}/{service.Name}) at {Endpoint(address, port)}: served by node {node}");

    /// <summary>Starts a server in every node of <paramref name="lab"/> on every port of the guide's dashboards.</summary>
    public static async Task<DashboardServers> StartAsync(NetworkLab lab, KubeProxyStandIn proxy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(proxy);
        var servers = new DashboardServers();
        try
        {
            var ports = GuideDashboard.All.SelectMany(static d => d.Ports.Select(static p => p.Port)).Distinct().Order().ToList();
            foreach (var node in lab.Nodes)
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
                {
                    foreach (var port in ports)
                    {
                        kestrel.ListenHandle(ListeningSocket(node, port));
                    }
                });
                var app = builder.Build();
                var name = node.Role;
                app.Run(context => AnswerAsync(context, proxy, name));
                servers._servers.Add(app);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            return servers;
        }
        catch
        {
            await servers.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops every server.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }

        _servers.Clear();
    }

    private static Task AnswerAsync(HttpContext context, KubeProxyStandIn proxy, string node)
    {
        var local = context.Connection.LocalIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : context.Connection.LocalIpAddress ?? IPAddress.None;
        var port = context.Connection.LocalPort;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (!proxy.Services.TryGetValue(local, out var service))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync($"{Endpoint(local, port)} is no load-balancer address (node {node})\n");
        }

        var name = new ServiceName(service.Metadata.NamespaceProperty, service.Metadata.Name);
        var title = GuideDashboard.All.FirstOrDefault(d => d.Namespace == name.Namespace && d.Name == name.Name)?.Title ?? name.Name;
        return context.Response.WriteAsync(Answer(title, name, local, port, node) + "\n");
    }

    private static ulong ListeningSocket(LabHost node, int port)
    {
        var socket = NetworkNamespaces.Run(node.Namespace, () =>
        {
            var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            listener.Listen(64);
            return listener;
        });

        // Kestrel takes the descriptor over and closes it; this Socket must never close it too.
        var handle = (ulong)socket.Handle;
        socket.SafeHandle.SetHandleAsInvalid();
        return handle;
    }

    private static string Endpoint(IPAddress address, int port) => new IPEndPoint(address, port).ToString();
}
