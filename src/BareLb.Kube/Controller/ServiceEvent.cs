namespace BareLb.Kube.Controller;

/// <summary>An event a decision owes a Service.</summary>
/// <param name="Type">"Normal" or "Warning".</param>
/// <param name="Reason">One of <see cref="ServiceEventReasons"/>.</param>
/// <param name="Message">The event's message, worded as MetalLB's.</param>
internal sealed record ServiceEvent(string Type, string Reason, string Message);
