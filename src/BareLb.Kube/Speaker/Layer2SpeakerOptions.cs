using BareLb.Core.Selectors;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Speaker;

/// <summary>
/// The settings of <see cref="Layer2SpeakerController"/>, the Kubernetes side of the speaker (MetalLB's speaker flags
/// that concern deciding and reporting). Checked by <see cref="Validate"/> when the controller is created.
/// </summary>
public sealed class Layer2SpeakerOptions
{
    /// <summary>This node's name (<c>--node-name</c>, <c>METALLB_NODE_NAME</c>). Required.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>
    /// This speaker's Pod (<c>--pod-name</c>, <c>METALLB_POD_NAME</c>) in <see cref="Namespace"/>: the owner of the
    /// ServiceL2Status objects it writes, so that they go with the Pod. Without it they have no owner.
    /// </summary>
    public string? PodName { get; set; }

    /// <summary>Where the configuration, the speaker Pods and the ServiceL2Status objects live (<c>--namespace</c>). Default <c>metallb-system</c>.</summary>
    public string Namespace { get; set; } = MetalLbApi.DefaultNamespace;

    /// <summary>The legacy ConfigMap's name (MetalLB v0.12). Default <c>config</c>.</summary>
    public string ConfigMapName { get; set; } = MetalLbApi.LegacyConfigMapName;

    /// <summary>Only Services of this loadBalancerClass (<c>--lb-class</c>); null for those with none, as the controller.</summary>
    public string? LoadBalancerClass { get; set; }

    /// <summary>Nodes labelled <c>node.kubernetes.io/exclude-from-external-load-balancers</c> stay candidates (<c>--ignore-exclude-lb</c>).</summary>
    public bool IgnoreExcludeLoadBalancers { get; set; }

    /// <summary>Write ServiceL2Status objects for the Services this node announces, as MetalLB 0.14 and later. Default true.</summary>
    public bool WriteStatus { get; set; } = true;

    /// <summary>
    /// Use the ServiceL2Status objects as a tie-breaker when the membership is split but the API server is reachable
    /// (see the README, "Split brain"). Needs <see cref="WriteStatus"/>. Default true.
    /// </summary>
    public bool SplitBrainTieBreak { get; set; } = true;

    /// <summary>
    /// How often this node renews (re-writes) the ServiceL2Status of each Service it announces, so that other nodes
    /// can tell it is alive when the membership says otherwise. Default 500 ms; from 100 ms to 1 minute.
    /// </summary>
    public TimeSpan StatusRenewInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Check <c>kube-system/kube-proxy</c> for IPVS mode without <c>strictARP: true</c> and warn (event, log, metric). Default true.
    /// </summary>
    public bool CheckKubeProxy { get; set; } = true;

    /// <summary>How often a metallb.io kind whose CustomResourceDefinition is missing is listed again. Default 30 s.</summary>
    public TimeSpan AbsentResourceRecheck { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options; returns every problem, each naming the setting, its value and the reason (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(NodeName))
        {
            failures.Add("NodeName must be set (--node-name or METALLB_NODE_NAME: this node's name, spec.nodeName)");
        }
        else if (NodeName.Length > 253 || NodeName.Any(char.IsWhiteSpace))
        {
            failures.Add($"NodeName '{NodeName}': not a Kubernetes node name (at most 253 characters, no spaces)");
        }

        if (PodName is { } pod && (pod.Length == 0 || pod.Length > 253 || pod.Any(char.IsWhiteSpace)))
        {
            failures.Add($"PodName '{pod}': not a Pod name (1 to 253 characters, no spaces); leave it unset for status objects with no owner");
        }

        if (LabelSyntax.CheckDnsLabel(Namespace) is { } namespaceError)
        {
            failures.Add($"Namespace '{Namespace}': {namespaceError}");
        }

        if (string.IsNullOrWhiteSpace(ConfigMapName) || ConfigMapName.Length > 253)
        {
            failures.Add($"ConfigMapName '{ConfigMapName}': a ConfigMap name of 1 to 253 characters is needed");
        }

        if (LoadBalancerClass is { Length: 0 })
        {
            failures.Add("LoadBalancerClass is empty; leave it unset to handle Services with no class");
        }

        if (StatusRenewInterval < TimeSpan.FromMilliseconds(100) || StatusRenewInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"StatusRenewInterval {StatusRenewInterval.TotalMilliseconds} ms: expected from 100 ms to 1 minute");
        }

        if (SplitBrainTieBreak && !WriteStatus)
        {
            failures.Add("SplitBrainTieBreak needs WriteStatus: the tie-breaker reads the ServiceL2Status objects that announcers write");
        }

        if (AbsentResourceRecheck <= TimeSpan.Zero)
        {
            failures.Add($"AbsentResourceRecheck {AbsentResourceRecheck}: must be positive");
        }

        return failures;
    }
}
