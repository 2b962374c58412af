namespace BareLb.Benchmarks.Failover;

/// <summary>The runs of one system under one kind of failure.</summary>
internal sealed class ResultRow(string system, FailureKind kind, string measure)
{
    public string System { get; } = system;

    public FailureKind Kind { get; } = kind;

    public string Measure { get; } = measure;

    public List<RunSample> Samples { get; } = [];

    public List<string> Notes { get; } = [];

    public string? SkippedBecause { get; private init; }

    public static ResultRow Skipped(string system, string reason) => new(system, FailureKind.Crash, "-") { SkippedBecause = reason };
}
