namespace BareLb.Lab.Soak;

/// <summary>A step the planner chose, before it is carried out.</summary>
/// <param name="Kind">What kind of step.</param>
/// <param name="Target">The Service or node it acts on (or the configuration object).</param>
/// <param name="Service">The Service as it will be after the step (Service steps), else null.</param>
/// <param name="Pause">How long a speaker stays down or a link down.</param>
/// <param name="Description">The step in words.</param>
internal sealed record SoakStep(SoakActionKind Kind, string Target, SoakService? Service, TimeSpan Pause, string Description);
