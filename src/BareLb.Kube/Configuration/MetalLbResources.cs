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

    /// <summary>The number of configuration objects held.</summary>
    public int Count => Pools.Count + L2Advertisements.Count + BgpAdvertisements.Count + BgpPeers.Count + BfdProfiles.Count + Communities.Count;
}
