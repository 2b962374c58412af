using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Http;
using Microsoft.Extensions.Logging;

namespace BareLb.Controller;

/// <summary>barelb-controller's checked command line: what the controller does, where it serves, how it logs.</summary>
internal sealed record ControllerSettings
{
    /// <summary>Where MetalLB's configuration and the Lease live.</summary>
    public required string Namespace { get; init; }

    /// <summary>The legacy ConfigMap's name (<c>--config</c>).</summary>
    public string ConfigMapName { get; init; } = "config";

    /// <summary>Only Services of this class; null for those with none.</summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>This replica's name in the Lease.</summary>
    public required string Identity { get; init; }

    /// <summary>The Lease duration.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A kubeconfig file, or null for in-cluster, <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Where /healthz, /readyz and /metrics are served; the first is the one printed.</summary>
    public required IReadOnlyList<ListenAddress> Listen { get; init; }

    /// <summary>The minimum log level.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>The speakers' memberlist Secret, created when absent (<c>--ml-secret-name</c>).</summary>
    public string MemberlistSecretName { get; init; } = "memberlist";

    /// <summary>The controller's Deployment, owner of the Secret it creates (<c>--deployment</c>).</summary>
    public string DeploymentName { get; init; } = "controller";

    /// <summary>MetalLB settings given and not acted on, logged once at start.</summary>
    public IgnoredSettings Ignored { get; init; } = new();
}
