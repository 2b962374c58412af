namespace BareLb.Core.Allocation;

/// <summary>Why the allocator refused a Service; each has a message fit for a Kubernetes event.</summary>
public enum AllocationFailureReason
{
    /// <summary>No pool is configured at all.</summary>
    NoPoolsConfigured,

    /// <summary>Pools exist, but none with auto-assign serves this Service's namespace and labels.</summary>
    NoEligiblePool,

    /// <summary>Every eligible pool is full.</summary>
    NoFreeAddress,

    /// <summary>The pinned pool does not exist.</summary>
    PinnedPoolNotFound,

    /// <summary>The pinned or requested pool does not serve this Service's namespace or labels.</summary>
    PoolNotAllowed,

    /// <summary>A requested address is in no pool.</summary>
    RequestedAddressNotInAnyPool,

    /// <summary>A requested address is outside the pinned pool.</summary>
    RequestedAddressOutsidePinnedPool,

    /// <summary>A requested address ends in .0 or .255 and its pool avoids those.</summary>
    RequestedAddressAvoided,

    /// <summary>The requested addresses of a dual-stack Service lie in different pools.</summary>
    RequestedAddressesInDifferentPools,

    /// <summary>The address is used by a Service that does not share (one of them has no sharing key).</summary>
    AddressInUse,

    /// <summary>The address is shared under another sharing key.</summary>
    SharingKeyMismatch,

    /// <summary>A (protocol, port) pair is already used on the shared address.</summary>
    PortConflict,

    /// <summary>Services sharing an address disagree on their backends (externalTrafficPolicy Local needs identical selectors).</summary>
    BackendMismatch,

    /// <summary>The Service's IP family policy cannot be met by any pool (RequireDualStack without a dual-stack pool).</summary>
    FamilyPolicyUnsatisfiable,

    /// <summary>The request contradicts itself (two addresses of one family, an address of a family the Service lacks, ...).</summary>
    InvalidRequest,
}
