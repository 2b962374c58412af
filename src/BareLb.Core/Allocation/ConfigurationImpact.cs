namespace BareLb.Core.Allocation;

/// <summary>What a configuration change did to Services, so that callers redo only those.</summary>
/// <param name="Lost">Services that lost their addresses (no pool holds them any more, or their pool no longer serves them), with why.</param>
/// <param name="MayNowSucceed">Pending Services that an assign would now satisfy.</param>
/// <param name="Moved">Services that keep their addresses but whose pool is now another one.</param>
public sealed record ConfigurationImpact(
    IReadOnlyList<(ServiceKey Service, AllocationFailure Why)> Lost,
    IReadOnlyList<ServiceKey> MayNowSucceed,
    IReadOnlyList<ServiceKey> Moved);
