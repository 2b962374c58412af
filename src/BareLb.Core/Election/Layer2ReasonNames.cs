namespace BareLb.Core.Election;

/// <summary>MetalLB's reason strings for <see cref="Layer2Reason"/>.</summary>
public static class Layer2ReasonNames
{
    /// <summary>MetalLB's text for the reason (empty for <see cref="Layer2Reason.None"/>).</summary>
    public static string Of(Layer2Reason reason) => reason switch
    {
        Layer2Reason.None => "",
        Layer2Reason.NoConfiguration => "noConfig",
        Layer2Reason.NotLoadBalancer => "notLoadBalancer",
        Layer2Reason.NoIPAllocated => "noIPAllocated",
        Layer2Reason.InvalidIP => "invalidIP",
        Layer2Reason.IPNotAllowed => "ipNotAllowed",
        Layer2Reason.NotOwner => "notOwner",
        Layer2Reason.SharedIPWithServiceSelector => "sharedIPWithServiceSelector",
        Layer2Reason.NoMatchingAdvertisement => "noMatchingAdvertisement",
        Layer2Reason.InterfacesMissing => "announceFailed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
