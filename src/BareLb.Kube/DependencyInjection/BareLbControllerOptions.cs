using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.DependencyInjection;

/// <summary>The controller's settings for <see cref="ControllerServiceCollectionExtensions.AddBareLbController"/>, checked when the host starts.</summary>
public sealed class BareLbControllerOptions
{
    /// <summary>Where MetalLB's configuration and the leader Lease live. Default <c>metallb-system</c>.</summary>
    public string Namespace { get; set; } = MetalLbApi.DefaultNamespace;

    /// <summary>The legacy ConfigMap's name (MetalLB v0.12's <c>--config</c>). Default <c>config</c>.</summary>
    public string ConfigMapName { get; set; } = MetalLbApi.LegacyConfigMapName;

    /// <summary>Handle only Services of this loadBalancerClass; null for those with none.</summary>
    public string? LoadBalancerClass { get; set; }

    /// <summary>This replica's name in the leader Lease (the Pod name). Required.</summary>
    public string Identity { get; set; } = "";

    /// <summary>The Lease's name. Default <c>barelb-controller</c>.</summary>
    public string LeaseName { get; set; } = "barelb-controller";

    /// <summary>How long a leader that stopped renewing keeps the Lease; it renews within 2/3 of it and retries every 2/15 of it, as client-go. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
}
