using System.Diagnostics.Metrics;

namespace BareLb.Kube.Speaker;

/// <summary>
/// The speaker's Kubernetes-side instruments on the meter <see cref="MeterName"/>: MetalLB's
/// <c>metallb_speaker_announced</c> (one series per Service and address this node announces, gone as soon as it
/// stops), MetalLB's configuration gauges (loaded, stale), the kube-proxy strictARP check, and the nodes counted alive only through the API server (split brain).
/// The Layer 2 packet counters (<c>metallb_layer2_*</c>) are the Arp engine's.
/// </summary>
public sealed class SpeakerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "BareLb.Kube.Speaker";

    /// <summary>MetalLB's gauge of announced Services.</summary>
    public const string AnnouncedName = "metallb_speaker_announced";

    /// <summary>1 while kube-proxy runs in IPVS mode without strictARP.</summary>
    public const string StrictArpName = "barelb_speaker_kube_proxy_strict_arp_missing";

    /// <summary>The nodes counted as live speakers through the API server only.</summary>
    public const string SplitBrainName = "barelb_speaker_split_brain_nodes";

    /// <summary>MetalLB's gauge, in controller and speaker alike: 1 once a valid configuration has been loaded.</summary>
    public const string ConfigLoadedName = "metallb_k8s_client_config_loaded_bool";

    /// <summary>MetalLB's gauge, in controller and speaker alike: 1 while the latest configuration is invalid.</summary>
    public const string ConfigStaleName = "metallb_k8s_client_config_stale_bool";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private volatile IReadOnlyList<(string Service, string Address)> _announced = [];
    private volatile int _strictArpMissing;
    private volatile int _splitBrainNodes;
    private volatile int _configLoaded;
    private volatile int _configStale;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own.</summary>
    public SpeakerMetrics(string node, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _ownsMeter = meterFactory is null;
        _meter.CreateObservableGauge(
            AnnouncedName,
            () => _announced.Select(a => new Measurement<int>(
                1,
                new KeyValuePair<string, object?>("service", a.Service),
                new KeyValuePair<string, object?>("protocol", "layer2"),
                new KeyValuePair<string, object?>("node", node),
                new KeyValuePair<string, object?>("ip", a.Address))),
            description: "Services being announced from this node. This is desired state, it does not guarantee that the routing protocols have converged.");
        _meter.CreateObservableGauge(StrictArpName, () => _strictArpMissing, description: "1 while kube-proxy runs in IPVS mode without strictARP: true (every node then answers ARP for Service addresses)");
        _meter.CreateObservableGauge(ConfigLoadedName, () => _configLoaded, description: "1 if the MetalLB configuration was successfully loaded at least once");
        _meter.CreateObservableGauge(ConfigStaleName, () => _configStale, description: "1 if running on a stale configuration, because the latest loaded configuration had errors");
        _meter.CreateObservableGauge(SplitBrainName, () => _splitBrainNodes, description: "Nodes the membership does not show alive but whose ServiceL2Status changes show a live speaker (split-brain tie-break)");
    }

    /// <summary>The Service and address pairs announced now.</summary>
    public void SetAnnounced(IReadOnlyList<(string Service, string Address)> announced) => _announced = announced;

    /// <summary>Sets the strictARP finding.</summary>
    public void SetStrictArpMissing(bool missing) => _strictArpMissing = missing ? 1 : 0;

    /// <summary>Sets how many nodes count through the API server only.</summary>
    public void SetSplitBrainNodes(int count) => _splitBrainNodes = count;

    /// <summary>Records the outcome of reading the configuration: a valid one loaded, or the latest one refused.</summary>
    public void SetConfiguration(bool loaded, bool stale)
    {
        _configLoaded = loaded ? 1 : 0;
        _configStale = stale ? 1 : 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
