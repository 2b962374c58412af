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

    /// <summary>
    /// The version BareLb reads and writes a configuration kind in, by its plural resource name: <c>v1beta2</c> for
    /// BGPPeer (its storage version), <c>v1beta1</c> for the others.
    /// </summary>
    public static string VersionOf(string plural) => plural == BGPPeer.Plural ? "v1beta2" : "v1beta1";

    /// <summary>The namespace MetalLB's configuration lives in unless told otherwise.</summary>
    public const string DefaultNamespace = "metallb-system";

    /// <summary>The name of the legacy ConfigMap.</summary>
    public const string LegacyConfigMapName = "config";

    /// <summary>The key of the legacy ConfigMap that holds the configuration document.</summary>
    public const string LegacyConfigMapKey = "config";
}
