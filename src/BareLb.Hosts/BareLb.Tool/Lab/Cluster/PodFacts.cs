namespace BareLb.Tool.Lab.Cluster;

/// <summary>What the downward API can tell a container about its Pod, as <c>fieldRef</c> paths name it.</summary>
internal sealed record PodFacts(string Name, string Namespace, string Uid, string NodeName, string HostIP, string PodIP, string ServiceAccountName)
{
    /// <summary>The value of a <c>fieldRef.fieldPath</c>, or null when the lab does not know that field.</summary>
    public string? Field(string path) => path switch
    {
        "metadata.name" => Name,
        "metadata.namespace" => Namespace,
        "metadata.uid" => Uid,
        "spec.nodeName" => NodeName,
        "spec.serviceAccountName" => ServiceAccountName,
        "status.hostIP" => HostIP,
        "status.podIP" => PodIP,
        _ => null,
    };
}
