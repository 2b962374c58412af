namespace BareLb.Lab.Soak;

/// <summary>One step of a soak: what was done, to what, and when.</summary>
/// <param name="Number">The step's number, from 1.</param>
/// <param name="Kind">What kind of step.</param>
/// <param name="Description">What was done, in words (the Service, node or object and the change).</param>
/// <param name="Start">When it began (wall clock).</param>
/// <param name="End">When it was complete (the link back up, the speaker started again, the object written).</param>
public sealed record SoakAction(int Number, SoakActionKind Kind, string Description, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Whether the step may move or interrupt addresses it does not remove (speakers, links, configuration).</summary>
    public bool IsDisruption => Kind is SoakActionKind.KillSpeaker or SoakActionKind.RestartSpeaker or SoakActionKind.FlapLink or SoakActionKind.ChangeConfiguration;
}
