using System.Collections.Frozen;
using System.Net;
using BareLb.Lab.Topology;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// What kube-proxy in IPVS mode does on every node that matters to a load balancer: each LoadBalancer Service's
/// ingress addresses sit on the node's <c>kube-ipvs0</c> dummy interface (so the node accepts their traffic), and
/// the ARP settings follow the <c>strictARP</c> of the <c>kube-proxy</c> ConfigMap in <c>kube-system</c>: with it,
/// <c>arp_ignore=1</c> and <c>arp_announce=2</c>, so a node's kernel never answers ARP for those addresses and only
/// the speaker does; without it, every node's kernel answers (the failure the guide's preparation step prevents).
/// It polls the API every 200 ms.
/// </summary>
internal sealed class KubeProxyStandIn : IAsyncDisposable
{
    /// <summary>kube-proxy's <c>config.conf</c> as a kubeadm cluster in IPVS mode holds it, with strictARP as given.</summary>
    public static string ConfigConf(bool strictArp) => $"""
        apiVersion: kubeproxy.config.k8s.io/v1alpha1
        kind: KubeProxyConfiguration
        bindAddress: 0.0.0.0
        clusterCIDR: 10.244.0.0/16
        ipvs:
          scheduler: ""
          strictARP: {(strictArp ? "true" : "false")}
          syncPeriod: 0s
        mode: ipvs
        """;

    /// <summary>kube-proxy's ConfigMap in <c>kube-system</c>, before the guide's fix (strictARP false).</summary>
    public static V1ConfigMap ConfigMap() => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = "kube-proxy", NamespaceProperty = "kube-system", Labels = new Dictionary<string, string> { ["app"] = "kube-proxy" } },
        Data = new Dictionary<string, string> { ["config.conf"] = ConfigConf(strictArp: false) },
    };

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private readonly Kubernetes _client;
    private readonly NetworkLab _lab;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<IPAddress> _held = [];
    private FrozenDictionary<IPAddress, V1Service> _services = FrozenDictionary<IPAddress, V1Service>.Empty;
    private bool? _strictArp;
    private Task? _loop;

    public KubeProxyStandIn(Kubernetes client, NetworkLab lab, TimeProvider time)
    {
        _client = client;
        _lab = lab;
        _time = time;
    }

    /// <summary>The LoadBalancer Service that holds each ingress address now.</summary>
    public IReadOnlyDictionary<IPAddress, V1Service> Services => Volatile.Read(ref _services);

    /// <summary>Whether the nodes run with strictARP (null before the first look at the ConfigMap).</summary>
    public bool? StrictArp => _strictArp;

    /// <summary>The last failure to sync, or null.</summary>
    public string? LastError { get; private set; }

    /// <summary>Runs the loop in the background.</summary>
    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);

    /// <summary>Waits until <paramref name="address"/> sits on every node's <c>kube-ipvs0</c>.</summary>
    public async Task WaitForAsync(IPAddress address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (!Services.ContainsKey(address))
        {
            if (_time.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"kube-proxy stand-in: {address} is not a LoadBalancer address after {timeout.TotalSeconds:0} s{(LastError is null ? "" : $" (last error: {LastError})")}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the loop; the addresses stay (the lab's namespaces go with it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(cancellationToken).ConfigureAwait(false);
                LastError = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException or IOException or BareLb.Lab.LabException)
            {
                LastError = e.Message;
            }

            try
            {
                await Task.Delay(Tick, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SyncAsync(CancellationToken cancellationToken)
    {
        var configMaps = await _client.CoreV1.ListNamespacedConfigMapAsync("kube-system", fieldSelector: "metadata.name=kube-proxy", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (configMaps.Items is [var configMap] && configMap.Data?.TryGetValue("config.conf", out var conf) == true)
        {
            var strict = conf.Contains("strictARP: true", StringComparison.Ordinal);
            if (strict != _strictArp)
            {
                foreach (var node in _lab.Nodes)
                {
                    node.Exec("sysctl", "-qw", $"net.ipv4.conf.all.arp_ignore={(strict ? 1 : 0)}", $"net.ipv4.conf.all.arp_announce={(strict ? 2 : 0)}");
                }

                _strictArp = strict;
            }
        }

        var services = await _client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var wanted = new Dictionary<IPAddress, V1Service>();
        foreach (var service in services.Items.Where(static s => s.Spec?.Type == "LoadBalancer"))
        {
            foreach (var ingress in service.Status?.LoadBalancer?.Ingress ?? [])
            {
                if (IPAddress.TryParse(ingress.Ip, out var address) && (_lab.Options.Ipv4Subnet.Contains(address) || _lab.Options.Ipv6Subnet.Contains(address)))
                {
                    wanted[address] = service;
                }
            }
        }

        foreach (var address in wanted.Keys.Where(a => !_held.Contains(a)))
        {
            foreach (var node in _lab.Nodes)
            {
                node.AddKubeIpvsAddress(address);
            }

            _held.Add(address);
        }

        foreach (var address in _held.Where(a => !wanted.ContainsKey(a)).ToList())
        {
            foreach (var node in _lab.Nodes)
            {
                node.RemoveKubeIpvsAddress(address);
            }

            _held.Remove(address);
        }

        Volatile.Write(ref _services, wanted.ToFrozenDictionary());
    }
}
