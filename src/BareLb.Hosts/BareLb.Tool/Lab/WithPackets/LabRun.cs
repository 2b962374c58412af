namespace BareLb.Tool.Lab.WithPackets;

/// <summary>What a run of the lab reached: each dashboard's curl answer, and the failures with their figures.</summary>
internal sealed record LabRun(IReadOnlyList<string> Answers, IReadOnlyList<FailoverFigure> Failovers);
