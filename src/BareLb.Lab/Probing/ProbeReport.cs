namespace BareLb.Lab.Probing;

/// <summary>What a <see cref="Prober"/> saw in a window of time.</summary>
/// <param name="From">The window's start.</param>
/// <param name="To">The window's end.</param>
/// <param name="Replies">Replies received in the window.</param>
/// <param name="Lost">Probes sent in the window that got no reply.</param>
/// <param name="LongestGap">The longest time between two replies, counting from the last reply before the window and to the window's end when no reply came after the gap.</param>
/// <param name="GapStart">When the longest gap began (the reply before it).</param>
/// <param name="Timeline">One character per bucket of the window: <c>|</c> a reply arrived in it, <c>.</c> none.</param>
public sealed record ProbeReport(DateTimeOffset From, DateTimeOffset To, int Replies, int Lost, TimeSpan LongestGap, DateTimeOffset GapStart, string Timeline);
