namespace BareLb.Kube.Testing.Protobuf;

/// <summary>A hand-written schema of one Kubernetes protobuf message: the fields this server reads, by number.</summary>
internal sealed class ProtoMessage
{
    private readonly Dictionary<int, ProtoField> _fields;

    public ProtoMessage(string name, params ProtoField[] fields)
    {
        Name = name;
        _fields = fields.ToDictionary(f => f.Number);
    }

    /// <summary>The message's name in the Kubernetes sources, for error messages (e.g. <c>Container</c>).</summary>
    public string Name { get; }

    public ProtoField? Field(int number) => _fields.GetValueOrDefault(number);
}
