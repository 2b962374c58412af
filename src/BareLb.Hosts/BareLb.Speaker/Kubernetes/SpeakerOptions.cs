using BareLb.Hosting.CommandLine;
using BareLb.Kube.Configuration.Api;
using Microsoft.Extensions.Logging;

namespace BareLb.Speaker.Kubernetes;

/// <summary>
/// The Kubernetes speaker's settings, read from MetalLB's speaker flags and environment variables
/// (manifests v0.13 to v0.16.1) and checked by <see cref="SpeakerOptionsValidator"/>.
/// </summary>
internal sealed class SpeakerOptions
{
    /// <summary>MetalLB's memberlist port.</summary>
    public const int DefaultMemberlistPort = 7946;

    /// <summary>MetalLB's speaker metrics port before v0.16 (plain HTTP).</summary>
    public const int DefaultMetricsPort = 7472;

    /// <summary>MetalLB v0.16's health probe port.</summary>
    public const int DefaultHealthProbePort = 17472;

    /// <summary>The labels MetalLB's manifests give speaker Pods, used to find peers.</summary>
    public const string DefaultMemberlistLabels = "app=metallb,component=speaker";

    /// <summary>This node (<c>spec.nodeName</c>): <c>--node-name</c>, <c>METALLB_NODE_NAME</c>. Required.</summary>
    public string? NodeName { get; set; }

    /// <summary>This Pod, owner of the status objects it writes: <c>--pod-name</c>, <c>METALLB_POD_NAME</c>.</summary>
    public string? PodName { get; set; }

    /// <summary>The host address the metrics and health endpoints listen on (<c>--host</c>, <c>METALLB_HOST</c>); every address when empty.</summary>
    public string? Host { get; set; }

    /// <summary>The memberlist bind address (<c>--ml-bindaddr</c>, <c>METALLB_ML_BIND_ADDR</c>, the Pod IP); membership is off when empty, as in MetalLB.</summary>
    public string? MemberlistBindAddress { get; set; }

    /// <summary>The memberlist port (<c>--ml-bindport</c>, <c>METALLB_ML_BIND_PORT</c>).</summary>
    public int MemberlistBindPort { get; set; } = DefaultMemberlistPort;

    /// <summary>The label selector of the speaker Pods that are peers (<c>--ml-labels</c>, <c>METALLB_ML_LABELS</c>).</summary>
    public string MemberlistLabels { get; set; } = DefaultMemberlistLabels;

    /// <summary>The labels of <see cref="MemberlistLabels"/>, parsed by the validator.</summary>
    public IReadOnlyDictionary<string, string> MemberlistLabelSet { get; set; } = new Dictionary<string, string>();

    /// <summary>The file holding the memberlist key (<c>--ml-secret-key-path</c>, <c>METALLB_ML_SECRET_KEY_PATH</c>; v0.13.10 on).</summary>
    public string? MemberlistSecretKeyPath { get; set; }

    /// <summary>The memberlist key itself (<c>--ml-secret-key</c>, <c>METALLB_ML_SECRET_KEY</c>; v0.13.0 to v0.13.7).</summary>
    public string? MemberlistSecretKey { get; set; }

    /// <summary>Memberlist's WAN timings instead of LAN ones (<c>--ml-wan-config</c>).</summary>
    public bool MemberlistWanConfig { get; set; }

    /// <summary>Where the configuration, the speaker Pods and the memberlist Secret live (<c>--namespace</c>, <c>METALLB_NAMESPACE</c>).</summary>
    public string Namespace { get; set; } = MetalLbApi.DefaultNamespace;

    /// <summary>The metrics port (<c>--port</c>); BareLb serves plain HTTP there.</summary>
    public int MetricsPort { get; set; } = DefaultMetricsPort;

    /// <summary>The health probe port, <c>/healthz</c> and <c>/readyz</c> (<c>--health-probe-port</c>).</summary>
    public int HealthProbePort { get; set; } = DefaultHealthProbePort;

    /// <summary>The minimum log level (<c>--log-level</c>).</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>Only Services of this loadBalancerClass (<c>--lb-class</c>); those with none when null.</summary>
    public string? LoadBalancerClass { get; set; }

    /// <summary>Announce from nodes labelled <c>node.kubernetes.io/exclude-from-external-load-balancers</c> too (<c>--ignore-exclude-lb</c>).</summary>
    public bool IgnoreExcludeLoadBalancer { get; set; }

    /// <summary>A kubeconfig file (<c>--kubeconfig</c>); in-cluster, <c>$KUBECONFIG</c> or <c>~/.kube/config</c> otherwise.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>MetalLB settings that were given and that BareLb does not act on (BGP, FRR, TLS, pprof), to log once at start.</summary>
    public IgnoredSettings Ignored { get; } = new();
}
