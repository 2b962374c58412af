using k8s.Models;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// A DaemonSet or a Deployment as the node agent schedules it: its Pod template and, for a Deployment, how many
/// replicas it asks for (null for a DaemonSet: one Pod on every node its node selector admits).
/// </summary>
internal sealed record Workload(string Kind, string Namespace, string Name, V1PodTemplateSpec Template, int? Replicas)
{
    /// <summary>The key Pods carry to name their owner: <c>Kind/namespace/name</c>.</summary>
    public string Key => $"{Kind}/{Namespace}/{Name}";

    /// <summary>The workloads of a DaemonSet list and a Deployment list.</summary>
    public static IReadOnlyList<Workload> From(V1DaemonSetList daemonSets, V1DeploymentList deployments) =>
    [
        .. daemonSets.Items.Select(static d => new Workload("DaemonSet", d.Metadata.NamespaceProperty, d.Metadata.Name, d.Spec.Template, null)),
        .. deployments.Items.Select(static d => new Workload("Deployment", d.Metadata.NamespaceProperty, d.Metadata.Name, d.Spec.Template, d.Spec.Replicas ?? 1)),
    ];
}
