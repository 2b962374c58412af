using System.Net;
using System.Net.Sockets;
using System.Text;
using BareLb.Membership.Security;
using BareLb.Speaker.Commands;
using k8s;
using k8s.Autorest;
using BareLb.Kube.Client;
using k8s.Models;

namespace BareLb.Speaker.Kubernetes;

/// <summary>
/// What the speaker checks before it starts, each failure one line: the memberlist key (a missing file is waited for,
/// as the kubelet fills a Secret volume once the controller has created the Secret), the capability to open AF_PACKET
/// sockets (waiting cannot help: exit 1), and this node's Node object (waited for: a node may register late).
/// </summary>
internal static class SpeakerPreflight
{
    /// <summary>How long a missing key file or Node is waited for before giving up.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <summary>The memberlist key, or null without membership or without a key.</summary>
    public static async Task<byte[]?> ReadKeyAsync(SpeakerOptions options, TextWriter error, CancellationToken cancellationToken)
    {
        if (options.MemberlistBindAddress is null)
        {
            return null;
        }

        if (options.MemberlistSecretKey is { Length: > 0 } inline)
        {
            return MetalLbSecret.DeriveKey(Encoding.UTF8.GetBytes(inline));
        }

        if (options.MemberlistSecretKeyPath is not { } path)
        {
            return null;
        }

        var deadline = DateTime.UtcNow + Patience;
        var said = false;
        while (true)
        {
            try
            {
                return MetalLbSecret.ReadKey(path);
            }
            catch (IOException e) when (DateTime.UtcNow < deadline)
            {
                if (!said)
                {
                    await error.WriteLineAsync($"barelb-speaker: --ml-secret-key-path (METALLB_ML_SECRET_KEY_PATH): {e.Message}; waiting up to {Patience.TotalSeconds:0} s for the memberlist Secret to be mounted").ConfigureAwait(false);
                    said = true;
                }

                await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new StartupException($"--ml-secret-key-path (METALLB_ML_SECRET_KEY_PATH): {e.Message} (is the memberlist Secret in {options.Namespace}, key {MetalLbSecret.FileName}, mounted there?)", e);
            }
        }
    }

    /// <summary>Opens and closes an AF_PACKET socket, which needs CAP_NET_RAW.</summary>
    public static void CheckCapability()
    {
        try
        {
            new Socket(AddressFamily.Packet, SocketType.Raw, ProtocolType.Unspecified).Dispose();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied)
        {
            throw new StartupException("cannot open an AF_PACKET socket to answer ARP and NDP: permission denied; the speaker needs the NET_RAW capability (securityContext.capabilities.add: [NET_RAW])", e);
        }
        catch (SocketException e)
        {
            throw new StartupException($"cannot open an AF_PACKET socket to answer ARP and NDP: {e.Message}", e);
        }
    }

    /// <summary>Waits for this node's Node object; an API server that cannot be reached is left to the informers' retries.</summary>
    public static async Task CheckNodeAsync(ApiConnection client, string nodeName, TextWriter error, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        var said = false;
        while (true)
        {
            try
            {
                await KubeApi.GetAsync<V1Node>(client, ApiPath.Core("nodes", name: nodeName), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new StartupException($"--node-name (METALLB_NODE_NAME) {nodeName}: no such Node after {Patience.TotalSeconds:0} s; give the name of the node this speaker runs on (spec.nodeName)", e);
                }

                if (!said)
                {
                    await error.WriteLineAsync($"barelb-speaker: --node-name (METALLB_NODE_NAME) {nodeName}: no such Node yet; waiting up to {Patience.TotalSeconds:0} s for it to register").ConfigureAwait(false);
                    said = true;
                }

                await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                // Forbidden, unreachable...: not this check's business; the informers retry and log.
                return;
            }
        }
    }
}
