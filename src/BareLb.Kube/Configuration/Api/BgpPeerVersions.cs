using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary>Conversion between BGPPeer's API versions.</summary>
public static class BgpPeerVersions
{
    /// <summary>The v1beta2 form of a v1beta1 BGPPeer: the same fields, node selectors as label selectors.</summary>
    public static BGPPeer ToV1Beta2(BGPPeerV1Beta1 peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var spec = peer.Spec ?? new BGPPeerV1Beta1Spec();
        return new BGPPeer
        {
            Metadata = peer.Metadata,
            Spec = new BGPPeerSpec
            {
                MyAsn = spec.MyAsn,
                PeerAsn = spec.PeerAsn,
                PeerAddress = spec.PeerAddress,
                SourceAddress = spec.SourceAddress,
                PeerPort = spec.PeerPort,
                HoldTime = spec.HoldTime,
                KeepaliveTime = spec.KeepaliveTime,
                RouterId = spec.RouterId,
                NodeSelectors = spec.NodeSelectors?.Select(s => new V1LabelSelector { MatchExpressions = s.MatchExpressions, MatchLabels = s.MatchLabels }).ToList(),
                Password = spec.Password,
                BfdProfile = spec.BfdProfile,
                EbgpMultiHop = spec.EbgpMultiHop,
                Vrf = spec.Vrf,
            },
        };
    }
}
