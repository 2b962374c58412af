using System.Text.Json;
using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Storage;

/// <summary>
/// An immutable stored object: its JSON, rendered once at commit and shared by every list and every watcher,
/// and a read-only <see cref="JsonElement"/> view of it that selectors read from many threads at once. Writers
/// get a fresh mutable tree from <see cref="CloneNode"/>.
/// </summary>
internal sealed class StoredObject
{
    public StoredObject(JsonObject node, long resourceVersion)
    {
        Utf8 = JsonSerializer.SerializeToUtf8Bytes(node, Json.Options);
        var reader = new Utf8JsonReader(Utf8);
        Root = JsonElement.ParseValue(ref reader);
        ResourceVersion = resourceVersion;
        Namespace = Json.String(node, "metadata", "namespace") ?? string.Empty;
        Name = Json.String(node, "metadata", "name") ?? string.Empty;
        ApiVersion = Json.String(node, "apiVersion") ?? string.Empty;
        Key = Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
    }

    /// <summary>The object as UTF-8 JSON.</summary>
    public byte[] Utf8 { get; }

    /// <summary>A read-only view of the object, safe to read concurrently.</summary>
    public JsonElement Root { get; }

    public long ResourceVersion { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string ApiVersion { get; }

    /// <summary>The sort key of lists: <c>namespace/name</c>, or the name of a cluster-scoped object.</summary>
    public string Key { get; }

    /// <summary>A new mutable tree of the object, owned by the caller.</summary>
    public JsonObject CloneNode() => (JsonObject)JsonNode.Parse(Utf8)!;
}
