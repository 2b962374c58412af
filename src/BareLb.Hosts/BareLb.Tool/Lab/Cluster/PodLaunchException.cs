namespace BareLb.Tool.Lab.Cluster;

/// <summary>A Pod the node agent cannot start (yet): the field of the Pod template and the reason.</summary>
internal sealed class PodLaunchException(string field, string reason) : Exception($"{field}: {reason}")
{
    /// <summary>The field of the Pod template, e.g. <c>containers[speaker].image</c>.</summary>
    public string Field { get; } = field;

    /// <summary>Why the Pod cannot start.</summary>
    public string Reason { get; } = reason;
}
