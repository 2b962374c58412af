namespace BareLb.Kube.Controller;

/// <summary>The event reasons MetalLB's controller uses, so that existing alerts and habits keep working.</summary>
internal static class ServiceEventReasons
{
    /// <summary>The Service got addresses.</summary>
    public const string IPAllocated = "IPAllocated";

    /// <summary>The Service could not get addresses; the message says why.</summary>
    public const string AllocationFailed = "AllocationFailed";

    /// <summary>The Service's addresses were taken back (type changed, class changed, request became invalid).</summary>
    public const string ClearAssignment = "ClearAssignment";
}
