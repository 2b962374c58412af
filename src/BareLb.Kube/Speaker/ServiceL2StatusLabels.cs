namespace BareLb.Kube.Speaker;

/// <summary>The labels MetalLB 0.14 and later put on each ServiceL2Status (<c>internal/k8s/controllers/values.go</c>).</summary>
internal static class ServiceL2StatusLabels
{
    /// <summary>The announcing node.</summary>
    public const string Node = "metallb.io/node";

    /// <summary>The Service's name.</summary>
    public const string ServiceName = "metallb.io/service-name";

    /// <summary>The Service's namespace.</summary>
    public const string ServiceNamespace = "metallb.io/service-namespace";

    /// <summary>MetalLB's name prefix (<c>generateName</c>).</summary>
    public const string GenerateName = "l2-";

    /// <summary>BareLb's renewal mark: changed while this node renews its statuses for the split-brain tie-break.</summary>
    public const string RenewedAnnotation = "barelb.io/renewed";
}
