using System.Text.Json;
using System.Text.Json.Nodes;

namespace BareLb.Kube.Testing.Storage;

/// <summary>Small helpers over <see cref="JsonNode"/> trees.</summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }

        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? String(JsonNode? node, params ReadOnlySpan<string> path)
    {
        var current = node;
        foreach (var segment in path)
        {
            if (current is not JsonObject o || !o.TryGetPropertyValue(segment, out current))
            {
                return null;
            }
        }

        return current is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    public static JsonNode? At(JsonNode? node, params ReadOnlySpan<string> path)
    {
        var current = node;
        foreach (var segment in path)
        {
            if (current is not JsonObject o || !o.TryGetPropertyValue(segment, out current))
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>Renders a scalar as the API server renders it in a field selector or a table cell.</summary>
    public static string? Scalar(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>Reads a boolean, or null if the node is missing or not a boolean.</summary>
    public static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>Reads an integer whatever its CLR representation (parsed JSON, int or long), or null.</summary>
    public static long? Integer(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        return long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out l) ? l : null;
    }

    /// <summary>Follows a path of property names through a read-only element.</summary>
    public static bool TryAt(JsonElement element, ReadOnlySpan<string> path, out JsonElement value)
    {
        value = element;
        foreach (var segment in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Renders a scalar element as <see cref="Scalar(JsonNode?)"/> renders a node.</summary>
    public static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element.GetRawText(),
    };

    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }

        return node as JsonObject ?? throw ApiException.BadRequest("the request body must be a JSON object");
    }
}
