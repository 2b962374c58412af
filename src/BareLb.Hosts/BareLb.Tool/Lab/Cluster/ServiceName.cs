namespace BareLb.Tool.Lab.Cluster;

/// <summary>A Service's namespace and name.</summary>
internal readonly record struct ServiceName(string Namespace, string Name)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Namespace}/{Name}";
}
