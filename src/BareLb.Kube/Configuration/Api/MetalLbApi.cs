namespace BareLb.Kube.Configuration.Api;

/// <summary>The names of MetalLB's API group, versions and kinds.</summary>
public static class MetalLbApi
{
    /// <summary>The API group, <c>metallb.io</c>.</summary>
    public const string Group = "metallb.io";

    /// <summary><c>metallb.io/v1beta1</c>.</summary>
    public const string V1Beta1 = "metallb.io/v1beta1";

    /// <summary><c>metallb.io/v1beta2</c>, BGPPeer's storage version.</summary>
    public const string V1Beta2 = "metallb.io/v1beta2";

    /// <summary>The namespace MetalLB's configuration lives in unless told otherwise.</summary>
    public const string DefaultNamespace = "metallb-system";

    /// <summary>The name of the legacy ConfigMap.</summary>
    public const string LegacyConfigMapName = "config";

    /// <summary>The key of the legacy ConfigMap that holds the configuration document.</summary>
    public const string LegacyConfigMapKey = "config";
}
