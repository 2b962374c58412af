namespace BareLb.Lab.Processes;

/// <summary>A line a lab process wrote, with when it was read.</summary>
/// <param name="Time">When the line was read (wall clock, as ping's and tcpdump's timestamps).</param>
/// <param name="Text">The line.</param>
/// <param name="IsError">Whether it came from standard error.</param>
public sealed record OutputLine(DateTimeOffset Time, string Text, bool IsError);
