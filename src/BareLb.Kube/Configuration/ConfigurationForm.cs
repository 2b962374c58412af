namespace BareLb.Kube.Configuration;

/// <summary>Which of MetalLB's two configuration forms a configuration was read from.</summary>
public enum ConfigurationForm
{
    /// <summary>Neither: no ConfigMap and no metallb.io object.</summary>
    None,

    /// <summary>The legacy ConfigMap (MetalLB v0.12 and earlier).</summary>
    ConfigMap,

    /// <summary>The metallb.io custom resources (MetalLB v0.13 and later).</summary>
    CustomResources,
}
