namespace BareLb.Core.Allocation;

/// <summary>A typed refusal with a message fit for a Kubernetes event.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Message">A sentence for the user, naming pools, addresses and Services.</param>
/// <param name="ConflictingService">The Service that holds what was asked for, when one does.</param>
public sealed record AllocationFailure(AllocationFailureReason Reason, string Message, ServiceKey? ConflictingService = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Reason}: {Message}";
}
