namespace BareLb.Core.Allocation;

/// <summary>The outcome of assign or restore: an assignment, or a typed refusal.</summary>
public readonly struct AllocationResult
{
    private AllocationResult(Assignment? assignment, AllocationFailure? failure, bool changed)
    {
        Assignment = assignment;
        Failure = failure;
        Changed = changed;
    }

    /// <summary>The Service's assignment, when it succeeded.</summary>
    public Assignment? Assignment { get; }

    /// <summary>Why it failed, when it did.</summary>
    public AllocationFailure? Failure { get; }

    /// <summary>Whether it succeeded.</summary>
    public bool Succeeded => Assignment is not null;

    /// <summary>Whether the Service's addresses changed (false when an existing assignment was kept).</summary>
    public bool Changed { get; }

    internal static AllocationResult Success(Assignment assignment, bool changed) => new(assignment, null, changed);

    internal static AllocationResult Fail(AllocationFailure failure) => new(null, failure, true);

    /// <inheritdoc/>
    public override string ToString() => Assignment?.ToString() ?? Failure!.ToString();
}
