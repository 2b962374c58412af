namespace BareLb.Core.Election;

/// <summary>
/// Why a speaker does not announce a Service's addresses. Each value's <see cref="Layer2ReasonNames"/> text is
/// MetalLB's own reason string, so logs and metrics read the same in a mixed cluster.
/// </summary>
public enum Layer2Reason
{
    /// <summary>It announces (no reason against).</summary>
    None,

    /// <summary>No configuration has been loaded yet: nothing is decided (MetalLB waits too).</summary>
    NoConfiguration,

    /// <summary>The Service is not of type LoadBalancer.</summary>
    NotLoadBalancer,

    /// <summary>The Service has no address in its status yet.</summary>
    NoIPAllocated,

    /// <summary>An address in the status does not parse.</summary>
    InvalidIP,

    /// <summary>No configured pool holds all of the Service's addresses.</summary>
    IPNotAllowed,

    /// <summary>Another node is elected, or no node can announce (no serving endpoint, no live candidate).</summary>
    NotOwner,

    /// <summary>The Service asks to share its address while an advertisement that applies selects Services.</summary>
    SharedIPWithServiceSelector,

    /// <summary>No advertisement that applies to the Service selects this node.</summary>
    NoMatchingAdvertisement,

    /// <summary>
    /// This node is elected, but none of the interfaces its advertisements name exists on it. The election cannot
    /// know this; the speaker, which knows the node's interfaces, sets it (MetalLB records <c>announceFailed</c>).
    /// </summary>
    InterfacesMissing,
}
