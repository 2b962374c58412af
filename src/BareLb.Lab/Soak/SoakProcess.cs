using BareLb.Lab.Processes;

namespace BareLb.Lab.Soak;

/// <summary>A process of the cluster the soak watches: its name (<c>speaker-n1</c>, <c>controller</c>...) and the process.</summary>
/// <param name="Name">The name, stable across restarts.</param>
/// <param name="Process">The process.</param>
public sealed record SoakProcess(string Name, LabProcess Process);
