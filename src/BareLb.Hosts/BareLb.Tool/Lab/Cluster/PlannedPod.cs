namespace BareLb.Tool.Lab.Cluster;

/// <summary>A Pod the node agent runs or is about to: its name, its owner's <see cref="Workload.Key"/> and its node.</summary>
internal sealed record PlannedPod(string Namespace, string Name, string OwnerKey, string Node);
