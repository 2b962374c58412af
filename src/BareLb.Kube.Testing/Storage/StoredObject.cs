using System.Text;
using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Storage;

/// <summary>
/// An immutable stored object: its tree (never mutated once stored) and its JSON, rendered once and
/// shared by every list and every watcher.
/// </summary>
internal sealed class StoredObject
{
    private byte[]? _utf8;

    public StoredObject(JsonObject node, long resourceVersion)
    {
        Json.Freeze(node);
        Node = node;
        ResourceVersion = resourceVersion;
        Namespace = Json.String(node, "metadata", "namespace") ?? string.Empty;
        Name = Json.String(node, "metadata", "name") ?? string.Empty;
        Key = Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
    }

    public JsonObject Node { get; }

    public long ResourceVersion { get; }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary>The sort key of lists: <c>namespace/name</c>, or the name of a cluster-scoped object.</summary>
    public string Key { get; }

    public byte[] Utf8 => _utf8 ??= Encoding.UTF8.GetBytes(Node.ToJsonString(Json.Options));

    public JsonObject CloneNode() => (JsonObject)Node.DeepClone();
}
