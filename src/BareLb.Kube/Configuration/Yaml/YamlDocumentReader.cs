using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BareLb.Kube.Configuration.Yaml;

/// <summary>
/// Reads a YAML stream into JSON trees, the form Kubernetes objects take on the wire, keeping the line of
/// every field. Plain scalars follow YAML 1.2's core schema (true/false, null, integers, floats); quoted
/// scalars are always strings.
/// </summary>
internal static partial class YamlDocumentReader
{
    /// <summary>Parses every document; on a syntax error returns false with the line and reason.</summary>
    public static bool TryRead(string text, int lineOffset, out List<YamlDocument> documents, out (int Line, string Message)? error)
    {
        documents = [];
        error = null;
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var reason = e.InnerException is { } inner ? inner.Message : e.Message;
            error = ((int)e.Start.Line + lineOffset, $"not valid YAML: {Tidy(reason)}");
            return false;
        }
        catch (ArgumentException e)
        {
            error = (1 + lineOffset, $"not valid YAML: {e.Message}");
            return false;
        }

        foreach (var document in stream.Documents)
        {
            var lines = new FieldLineMap((int)document.RootNode.Start.Line + lineOffset);
            var root = Convert(document.RootNode, "", lines, lineOffset);
            documents.Add(new YamlDocument(root, lines));
        }

        return true;
    }

    private static string Tidy(string reason) => reason.Replace("\r", "", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static JsonNode? Convert(YamlNode node, string path, FieldLineMap lines, int lineOffset)
    {
        if (path.Length > 0)
        {
            lines.Add(path, (int)node.Start.Line + lineOffset);
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    var key = keyNode is YamlScalarNode scalarKey ? scalarKey.Value ?? "" : keyNode.ToString();
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    lines.Add(childPath, (int)keyNode.Start.Line + lineOffset);
                    obj[key] = Convert(valueNode, childPath, lines, lineOffset);
                }

                return obj;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in sequence.Children)
                {
                    array.Add(Convert(item, $"{path}[{index}]", lines, lineOffset));
                    index++;
                }

                return array;
            case YamlScalarNode scalar:
                if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded && path.Length > 0)
                {
                    lines.AddBlockContent(path, (int)scalar.Start.Line + 1 + lineOffset);
                }

                return ConvertScalar(scalar);
            default:
                return null;
        }
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        if (value.Length == 0 || value is "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (value is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }

        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
