using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration;

/// <summary>The metallb.io configuration objects of one namespace, as read from the API or from files.</summary>
public sealed class MetalLbResources
{
    /// <summary>IPAddressPools.</summary>
    public IList<IPAddressPool> Pools { get; } = [];

    /// <summary>L2Advertisements.</summary>
    public IList<L2Advertisement> L2Advertisements { get; } = [];

    /// <summary>BGPAdvertisements.</summary>
    public IList<BGPAdvertisement> BgpAdvertisements { get; } = [];

    /// <summary>BGPPeers, v1beta2 (add v1beta1 ones with <see cref="BgpPeerVersions.ToV1Beta2"/>).</summary>
    public IList<BGPPeer> BgpPeers { get; } = [];

    /// <summary>BFDProfiles.</summary>
    public IList<BFDProfile> BfdProfiles { get; } = [];

    /// <summary>Communities.</summary>
    public IList<Community> Communities { get; } = [];

    /// <summary>
    /// Secrets of the namespace by name, when known (<c>barelb config check</c> takes those in its files): a BGPPeer's
    /// <c>passwordSecret</c> is checked against them, as MetalLB does.
    /// </summary>
    public IDictionary<string, k8s.Models.V1Secret> Secrets { get; } = new Dictionary<string, k8s.Models.V1Secret>(StringComparer.Ordinal);

    /// <summary>The number of configuration objects held (Secrets are not counted).</summary>
    public int Count => Pools.Count + L2Advertisements.Count + BgpAdvertisements.Count + BgpPeers.Count + BfdProfiles.Count + Communities.Count;
}
