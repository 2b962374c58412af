namespace BareLb.Tool.Lab.WithPackets;

/// <summary>
/// What the client saw during one failure in the lab: the longest time without a reply to its 10 ms probes, the
/// probes lost, and when (after the failure) and from which node the first announcement of the new owner came.
/// </summary>
internal sealed record FailoverFigure(string Failure, string From, string To, TimeSpan Outage, int Lost, TimeSpan? Announced);
