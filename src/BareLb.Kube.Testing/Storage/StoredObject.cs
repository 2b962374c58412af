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
    private byte[]? _added;
    private byte[]? _modified;
    private byte[]? _deleted;

    public StoredObject(JsonObject node, long resourceVersion)
    {
        Json.Freeze(node);
        Node = node;
        ResourceVersion = resourceVersion;
        Namespace = Json.String(node, "metadata", "namespace") ?? string.Empty;
        Name = Json.String(node, "metadata", "name") ?? string.Empty;
    }

    public JsonObject Node { get; }

    public long ResourceVersion { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Key => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";

    public byte[] Utf8 => _utf8 ??= Encoding.UTF8.GetBytes(Node.ToJsonString(Json.Options));

    public JsonObject CloneNode() => (JsonObject)Node.DeepClone();

    /// <summary>The watch line <c>{"type":...,"object":...}\n</c>, rendered once per event type.</summary>
    public byte[] WatchLine(string type) => type switch
    {
        "ADDED" => _added ??= Render(type),
        "MODIFIED" => _modified ??= Render(type),
        "DELETED" => _deleted ??= Render(type),
        _ => Render(type),
    };

    private byte[] Render(string type)
    {
        var body = Utf8;
        var head = Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":");
        var line = new byte[head.Length + body.Length + 2];
        head.CopyTo(line, 0);
        body.CopyTo(line, head.Length);
        line[^2] = (byte)'}';
        line[^1] = (byte)'\n';
        return line;
    }
}
