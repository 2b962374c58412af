namespace BareLb.Lab.Soak;

/// <summary>Everything a soak found; <see cref="Reasons"/> says why it failed, if it did.</summary>
public sealed record SoakReport
{
    /// <summary>The seed of the steps.</summary>
    public required int Seed { get; init; }

    /// <summary>How long the soak was meant to run.</summary>
    public required TimeSpan Planned { get; init; }

    /// <summary>When the steps began.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>When the steps ended.</summary>
    public required DateTimeOffset Ended { get; init; }

    /// <summary>Why it ended early (Ctrl+C, a broken lab), or null when it ran its time.</summary>
    public string? Interrupted { get; init; }

    /// <summary>The steps, in order.</summary>
    public required IReadOnlyList<SoakAction> Actions { get; init; }

    /// <summary>What each step did to the addresses held through it.</summary>
    public required IReadOnlyList<ActionOutcome> Outcomes { get; init; }

    /// <summary>Steps that could not be carried out, in words.</summary>
    public IReadOnlyList<string> FailedSteps { get; init; } = [];

    /// <summary>Two MACs answering one address at once outside a hand-over.</summary>
    public required IReadOnlyList<AnswerConflict> Conflicts { get; init; }

    /// <summary>Which node each MAC belongs to.</summary>
    public IReadOnlyDictionary<string, string> MacNames { get; init; } = new Dictionary<string, string>();

    /// <summary>How long new addresses took to answer for the first time.</summary>
    public required Distribution Appearance { get; init; }

    /// <summary>New addresses that never answered within the appearance limit.</summary>
    public required IReadOnlyList<string> AppearanceViolations { get; init; }

    /// <summary>How often each address was probed.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How many addresses were probed in all.</summary>
    public int AddressesProbed { get; init; }

    /// <summary>Each process's resident memory at the start and the end.</summary>
    public required IReadOnlyList<ProcessMemory> Memory { get; init; }

    /// <summary>Warnings and errors in each process's output.</summary>
    public required IReadOnlyList<LogFindings> Logs { get; init; }

    /// <summary>Held addresses that did not answer again within the failover target after a step.</summary>
    public IReadOnlyList<string> ReachabilityViolations => [.. Outcomes.SelectMany(o => o.Violations)];

    /// <summary>The outage statistics per kind of step (the longest gap of any held address per step).</summary>
    public IReadOnlyDictionary<SoakActionKind, Distribution> Outages
        => Outcomes.Where(o => o.Outage is not null).GroupBy(o => o.Action.Kind).ToDictionary(g => g.Key, g => Distribution.Of(g.Select(o => o.Outage!.Value)));

    /// <summary>Why the soak failed; empty when it passed.</summary>
    public IReadOnlyList<string> Reasons
    {
        get
        {
            var reasons = new List<string>();
            if (Interrupted is not null)
            {
                reasons.Add($"interrupted: {Interrupted}");
            }

            if (Conflicts.Count > 0)
            {
                reasons.Add($"{Conflicts.Count} time(s) two nodes answered one address at once outside a hand-over");
            }

            if (ReachabilityViolations.Count > 0)
            {
                reasons.Add($"{ReachabilityViolations.Count} time(s) an address did not answer again within the failover target after a step");
            }

            if (AppearanceViolations.Count > 0)
            {
                reasons.Add($"{AppearanceViolations.Count} assigned address(es) never answered");
            }

            if (FailedSteps.Count > 0)
            {
                reasons.Add($"{FailedSteps.Count} step(s) could not be carried out");
            }

            var errors = Logs.Sum(l => l.Errors);
            if (errors > 0)
            {
                reasons.Add($"{errors} error line(s) in the processes' logs ({string.Join(", ", Logs.Where(l => l.Errors > 0).Select(l => l.Process))})");
            }

            return reasons;
        }
    }

    /// <summary>Whether the soak passed.</summary>
    public bool Passed => Reasons.Count == 0;
}
