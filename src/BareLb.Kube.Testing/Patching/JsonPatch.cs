using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Patching;

/// <summary>JSON patch (RFC 6902): add, remove, replace, move, copy and test over JSON pointers.</summary>
internal static class JsonPatch
{
    public static JsonObject Apply(JsonObject target, JsonArray operations)
    {
        JsonNode root = target;
        foreach (var node in operations)
        {
            if (node is not JsonObject op)
            {
                throw ApiException.BadRequest("a JSON patch must be an array of operation objects");
            }

            var kind = Json.String(op, "op") ?? throw ApiException.BadRequest("a JSON patch operation needs an \"op\"");
            var path = Json.String(op, "path") ?? throw ApiException.BadRequest("a JSON patch operation needs a \"path\"");
            switch (kind)
            {
                case "add":
                    root = Add(root, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(root, path);
                    break;
                case "replace":
                    Remove(root, path);
                    root = Add(root, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    {
                        var from = Json.String(op, "from") ?? throw ApiException.BadRequest("a move operation needs \"from\"");
                        var value = Resolve(root, from)?.DeepClone();
                        Remove(root, from);
                        root = Add(root, path, value);
                        break;
                    }

                case "copy":
                    {
                        var from = Json.String(op, "from") ?? throw ApiException.BadRequest("a copy operation needs \"from\"");
                        root = Add(root, path, Resolve(root, from)?.DeepClone());
                        break;
                    }

                case "test":
                    if (!JsonNode.DeepEquals(Resolve(root, path), op["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value at {path} failed");
                    }

                    break;
                default:
                    throw ApiException.BadRequest($"unexpected JSON patch operation \"{kind}\"");
            }
        }

        return root as JsonObject ?? throw ApiException.BadRequest("a JSON patch must leave an object");
    }

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw ApiException.BadRequest($"invalid JSON pointer \"{pointer}\"");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        JsonNode? current = root;
        foreach (var token in Tokens(pointer))
        {
            current = current switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: path {pointer} does not exist"),
            };
        }

        return current;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        var parentPointer = string.Concat(tokens[..^1].Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
        var parent = Resolve(root, parentPointer) ?? throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: path {pointer} has a null parent");
        return (parent, tokens[^1]);
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0)
        {
            return value ?? throw ApiException.BadRequest("cannot replace the whole document with null");
        }

        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: cannot add at {pointer}");
        }

        return root;
    }

    private static void Remove(JsonNode root, string pointer)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: path {pointer} does not exist");
        }
    }
}
