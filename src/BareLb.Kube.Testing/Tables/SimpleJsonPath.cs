using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Tables;

/// <summary>
/// The subset of JSONPath that printer columns use: <c>.a.b</c>, <c>.a[0].b</c> and
/// <c>.a[?(@.type=="Ready")].status</c>.
/// </summary>
internal static class SimpleJsonPath
{
    public static JsonNode? Evaluate(JsonNode? root, string path)
    {
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }

        text = text.TrimStart('$');
        var current = root;
        var i = 0;
        while (i < text.Length && current is not null)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] != '.' && text[end] != '[')
                {
                    end++;
                }

                current = Json.At(current, text[(i + 1)..end]);
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0)
                {
                    return null;
                }

                var inner = text[(i + 1)..end];
                current = Index(current, inner);
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static JsonNode? Index(JsonNode? node, string inner)
    {
        if (node is not JsonArray array)
        {
            return null;
        }

        if (int.TryParse(inner, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            index = index < 0 ? array.Count + index : index;
            return index >= 0 && index < array.Count ? array[index] : null;
        }

        // ?(@.field=="value")
        if (inner.StartsWith("?(@.", StringComparison.Ordinal) && inner.EndsWith(')'))
        {
            var condition = inner[4..^1];
            var eq = condition.IndexOf("==", StringComparison.Ordinal);
            if (eq < 0)
            {
                return null;
            }

            var field = condition[..eq].Trim();
            var value = condition[(eq + 2)..].Trim().Trim('"', '\'');
            return array.OfType<JsonObject>().FirstOrDefault(o => Json.Scalar(Json.At(o, field.Split('.'))) == value);
        }

        return null;
    }
}
