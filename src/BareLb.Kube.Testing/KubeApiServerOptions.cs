using Microsoft.Extensions.Logging;

namespace BareLb.Kube.Testing;

/// <summary>Options of a <see cref="KubeApiServer"/>.</summary>
public sealed class KubeApiServerOptions
{
    /// <summary>The port to listen on; 0 (the default) picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The address to listen on (default <see cref="System.Net.IPAddress.Loopback"/>): an address of one interface, e.g. a
    /// bridge address that network namespaces reach, or <see cref="System.Net.IPAddress.Any"/>. The kubeconfig names it,
    /// or 127.0.0.1 when it is a wildcard address.
    /// </summary>
    public System.Net.IPAddress ListenAddress { get; set; } = System.Net.IPAddress.Loopback;

    /// <summary>Where to write the kubeconfig for clients; null writes one into a fresh temporary directory.</summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>Serve HTTPS with a self-signed certificate generated at start (its CA data goes into the kubeconfig).</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// The service CIDR cluster IPs come from (default <c>10.96.0.0/12</c>, an IPv4 single-stack cluster), as the API
    /// server's <c>--service-cluster-ip-range</c>: one CIDR of either family, or two of different families separated by a
    /// comma for a dual-stack cluster whose primary family is the first one's (e.g. <c>10.96.0.0/12,2001:db8:ffff::/112</c>).
    /// </summary>
    public string ServiceClusterIpRange { get; set; } = "10.96.0.0/12";

    /// <summary>The lowest node port (default 30000).</summary>
    public int NodePortMin { get; set; } = 30000;

    /// <summary>The highest node port (default 32767).</summary>
    public int NodePortMax { get; set; } = 32767;

    /// <summary>How many changes the watch history keeps before older resourceVersions answer 410 Gone (default 10,000).</summary>
    public int WatchHistoryCapacity { get; set; } = 10_000;

    /// <summary>How often watches that asked for bookmarks receive one (default one minute, as the real server).</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a watch without <c>timeoutSeconds</c> stays open (default 30 minutes).</summary>
    public TimeSpan DefaultWatchTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The version <c>/version</c> reports (default <c>v1.32.0</c>).</summary>
    public string GitVersion { get; set; } = "v1.32.0";

    /// <summary>Create the <c>default</c>, <c>kube-system</c>, <c>kube-public</c> and <c>kube-node-lease</c> namespaces and the <c>kubernetes</c> Service at start (default true).</summary>
    public bool SeedDefaults { get; set; } = true;

    /// <summary>The clock behind timestamps and ages (default <see cref="TimeProvider.System"/>).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the server logs, or null for no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
