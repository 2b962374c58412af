using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BareLb.Kube.Configuration.Yaml;

/// <summary>Writes JSON trees as block-style YAML documents, quoting every string YAML could read as something else.</summary>
internal static partial class YamlWriter
{
    public static void WriteDocument(JsonNode node, StringBuilder output)
    {
        output.Append("---\n");
        Write(node, 0, output);
    }

    private static void Write(JsonNode? node, int indent, StringBuilder output)
    {
        var pad = new string(' ', indent);
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    output.Append(pad).Append(Scalar(key)).Append(':');
                    WriteValue(value, indent, output, nestedMapIndent: indent + 2);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    output.Append(pad).Append('-');
                    if (item is JsonObject { Count: > 0 } itemMap)
                    {
                        var first = true;
                        foreach (var (key, value) in itemMap)
                        {
                            output.Append(first ? " " : new string(' ', indent + 2)).Append(Scalar(key)).Append(':');
                            WriteValue(value, indent + 2, output, nestedMapIndent: indent + 4);
                            first = false;
                        }
                    }
                    else
                    {
                        WriteValue(item, indent, output, nestedMapIndent: indent + 2);
                    }
                }

                break;
        }
    }

    private static void WriteValue(JsonNode? value, int indent, StringBuilder output, int nestedMapIndent)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                output.Append(" {}\n");
                break;
            case JsonArray { Count: 0 }:
                output.Append(" []\n");
                break;
            case JsonObject map:
                output.Append('\n');
                Write(map, nestedMapIndent, output);
                break;
            case JsonArray list:
                output.Append('\n');
                Write(list, indent, output);
                break;
            default:
                output.Append(' ').Append(ScalarOf(value)).Append('\n');
                break;
        }
    }

    private static string ScalarOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => Scalar(v.GetValue<string>()),
        _ => value.ToJsonString(),
    };

    private static string Scalar(string text) =>
        SafePlain().IsMatch(text) && !Ambiguous().IsMatch(text) ? text : Quoted(text);

    // A JSON string is a YAML double-quoted scalar; only what must be escaped is.
    private static string Quoted(string text) =>
        $"\"{JsonEncodedText.Encode(text, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")]
    private static partial Regex SafePlain();

    [GeneratedRegex(@"^([-+]?[0-9._]+([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|true|false|yes|no|on|off|y|n|null|True|False|Yes|No|On|Off|TRUE|FALSE|YES|NO|ON|OFF|Y|N|NULL|Null)$")]
    private static partial Regex Ambiguous();
}
