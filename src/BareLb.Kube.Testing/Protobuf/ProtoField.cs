namespace BareLb.Kube.Testing.Protobuf;

/// <summary>How a protobuf field of a Kubernetes message becomes JSON.</summary>
internal enum ProtoFieldKind
{
    /// <summary>A string; omitted when empty, as Go's <c>omitempty</c> does.</summary>
    String,

    /// <summary>Bytes, written as base64 (the JSON form of Go's <c>[]byte</c>).</summary>
    Bytes,

    /// <summary>A varint integer (int32 or int64).</summary>
    Integer,

    /// <summary>A varint boolean.</summary>
    Bool,

    /// <summary>A nested message, see <see cref="ProtoField.Message"/>.</summary>
    Message,

    /// <summary><c>map&lt;string, string&gt;</c>.</summary>
    StringMap,

    /// <summary><c>map&lt;string, bytes&gt;</c>, values written as base64.</summary>
    BytesMap,

    /// <summary><c>map&lt;string, Quantity&gt;</c>, values written as strings.</summary>
    QuantityMap,

    /// <summary>apimachinery's <c>IntOrString</c>: a number or a string in JSON.</summary>
    IntOrString,

    /// <summary>meta/v1 <c>Time</c>: an RFC 3339 string, omitted when zero.</summary>
    Time,
}

/// <summary>
/// One field of a hand-written message schema: its number, JSON name and kind. A scalar that Go holds by value is
/// omitted when zero (its JSON tag has <c>omitempty</c>); a pointer field (<see cref="KeepZero"/>) keeps a zero,
/// since an explicit <c>false</c> or <c>0</c> means something there.
/// </summary>
internal sealed record ProtoField(int Number, string Name, ProtoFieldKind Kind, bool Repeated = false, bool KeepZero = false)
{
    /// <summary>The schema of a <see cref="ProtoFieldKind.Message"/> field, resolved lazily so that schemas may refer to each other.</summary>
    public Func<ProtoMessage>? Message { get; init; }
}
