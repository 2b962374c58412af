namespace BareLb.Benchmarks.Failover;

/// <summary>
/// One run: the client's longest gap between replies (outage), the probes lost, and for a kill on a node that stays
/// up the takeover time and how many MACs answered for the address afterwards; for the memberlist agent, detection.
/// </summary>
internal sealed record RunSample(TimeSpan Measured, int Lost, int Answerers = 1, bool Recovered = true, string Timeline = "");
