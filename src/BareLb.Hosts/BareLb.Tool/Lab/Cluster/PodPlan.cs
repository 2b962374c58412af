namespace BareLb.Tool.Lab.Cluster;

/// <summary>What the node agent must change so that the Pods match the workloads: Pods to create and Pods to remove.</summary>
internal sealed record PodPlan(IReadOnlyList<(PlannedPod Pod, Workload Owner)> Create, IReadOnlyList<PlannedPod> Remove);
