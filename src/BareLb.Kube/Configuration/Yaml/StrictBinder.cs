using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Yaml;

/// <summary>
/// Binds a JSON tree to a model type strictly, as MetalLB's parser and the API server do: a key the type
/// does not have is an error, and so is a value of the wrong type; every problem is reported with its field
/// path, not only the first. Object metadata is left to KubernetesClient.
/// </summary>
internal static class StrictBinder
{
    /// <summary>Checks <paramref name="node"/> against <typeparamref name="T"/> and binds it; null when it has errors.</summary>
    /// <param name="node">The JSON tree; coerced in place when <paramref name="scalarsAsStrings"/> is set.</param>
    /// <param name="path">The field path of <paramref name="node"/>, "" for a whole document.</param>
    /// <param name="scalarsAsStrings">Accept numbers and booleans where strings are expected (YAML's loose typing, as Go's yaml.v2 does).</param>
    /// <param name="errors">Where problems go, as (field, message).</param>
    public static T? Bind<T>(JsonNode? node, string path, bool scalarsAsStrings, List<(string Field, string Message)> errors)
        where T : class
    {
        var before = errors.Count;
        Check(node, typeof(T), path, scalarsAsStrings, errors, replace: null);
        if (errors.Count != before || node is null)
        {
            return null;
        }

        try
        {
            return Serialization.KubeJson.Deserialize<T>(node);
        }
        catch (JsonException e)
        {
            var where = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            errors.Add((Join(path, where), $"invalid value: {e.Message.Split(" Path:", 2)[0]}"));
            return null;
        }
        catch (FormatException e)
        {
            errors.Add((path, $"invalid value: {e.Message}"));
            return null;
        }
    }

    private static string Join(string path, string child) =>
        path.Length == 0 ? child : child.Length == 0 ? path : child.StartsWith('[') ? path + child : $"{path}.{child}";

    private static void Check(JsonNode? node, Type type, string path, bool scalarsAsStrings, List<(string, string)> errors, Action<JsonNode>? replace, bool required = false)
    {
        if (node is null)
        {
            if (required)
            {
                // A YAML null as a list item or a map value: Go's yaml.v2 (the legacy parser) reads it as the zero
                // value, an empty entry that the checks below then judge; the API server refuses it.
                if (scalarsAsStrings && replace is not null && ZeroValue(Nullable.GetUnderlyingType(type) ?? type) is { } zero)
                {
                    replace(zero);
                    return;
                }

                errors.Add((path, "is empty (null): write a value or remove the entry"));
            }

            return;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(V1ObjectMeta) || type == typeof(object) || type == typeof(JsonElement))
        {
            return;
        }

        if (type == typeof(string))
        {
            if (node is JsonValue value && value.GetValueKind() is JsonValueKind.String)
            {
                return;
            }

            if (scalarsAsStrings && node is JsonValue scalar && replace is not null)
            {
                replace(JsonValue.Create(scalar.GetValueKind() switch
                {
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => scalar.ToJsonString(),
                }));
                return;
            }

            errors.Add((path, $"must be a string, got {Describe(node)}"));
            return;
        }

        if (type == typeof(bool))
        {
            if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
            {
                return;
            }

            // Go's yaml.v2, which MetalLB's legacy parser used, reads YAML 1.1 booleans such as yes and off.
            if (scalarsAsStrings && replace is not null && node is JsonValue text && text.TryGetValue<string>(out var word)
                && YamlBoolean(word) is { } yes)
            {
                replace(JsonValue.Create(yes));
                return;
            }

            errors.Add((path, $"must be true or false, got {Describe(node)}"));
            return;
        }

        if (IntegerRange(type) is { } range)
        {
            if (node is JsonValue value && value.GetValueKind() is JsonValueKind.Number && value.TryGetValue<long>(out var number)
                && number >= range.Min && number <= range.Max)
            {
                return;
            }

            errors.Add((path, $"must be an integer from {range.Min.ToString(CultureInfo.InvariantCulture)} to {range.Max.ToString(CultureInfo.InvariantCulture)}, got {Describe(node)}"));
            return;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            if (node is not JsonObject map)
            {
                errors.Add((path, $"must be a map, got {Describe(node)}"));
                return;
            }

            foreach (var (key, child) in map.ToList())
            {
                Check(child, valueType, Join(path, key), scalarsAsStrings, errors, replacement => map[key] = replacement, required: true);
            }

            return;
        }

        if (ElementType(type) is { } elementType)
        {
            if (node is not JsonArray array)
            {
                errors.Add((path, $"must be a list, got {Describe(node)}"));
                return;
            }

            for (var i = 0; i < array.Count; i++)
            {
                var index = i;
                Check(array[i], elementType, $"{path}[{i}]", scalarsAsStrings, errors, replacement => array[index] = replacement, required: true);
            }

            return;
        }

        if (type.IsClass)
        {
            if (node is not JsonObject obj)
            {
                errors.Add((path, $"must be a map of fields, got {Describe(node)}"));
                return;
            }

            var properties = PropertiesOf(type);
            foreach (var (key, child) in obj.ToList())
            {
                var childPath = Join(path, key);
                if (!properties.TryGetValue(key, out var property))
                {
                    var known = string.Join(", ", properties.Keys.Order(StringComparer.Ordinal));
                    errors.Add((childPath, $"unknown field \"{key}\" (known fields: {known})"));
                    continue;
                }

                Check(child, property, childPath, scalarsAsStrings, errors, replacement => obj[key] = replacement);
            }
        }
    }

    private static JsonNode? ZeroValue(Type type) =>
        type == typeof(string) ? JsonValue.Create("")
        : type == typeof(bool) ? JsonValue.Create(false)
        : IntegerRange(type) is not null ? JsonValue.Create(0)
        : DictionaryValueType(type) is not null ? new JsonObject()
        : ElementType(type) is not null ? new JsonArray()
        : type.IsClass ? new JsonObject()
        : null;

    private static bool? YamlBoolean(string word) => word switch
    {
        "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" => true,
        "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" => false,
        _ => null,
    };

    // The fields as JSON binds them: the source-generated metadata's names (JsonPropertyName, else camelCase) and types,
    // ignored properties left out; no reflection, so the hosts compile ahead of time.
    private static Dictionary<string, Type> PropertiesOf(Type type)
    {
        var result = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var property in Serialization.KubeJson.Options.GetTypeInfo(type).Properties)
        {
            result.TryAdd(property.Name, property.PropertyType);
        }

        return result;
    }

    private static (long Min, long Max)? IntegerRange(Type type) =>
        type == typeof(int) ? (int.MinValue, int.MaxValue)
        : type == typeof(uint) ? (0, uint.MaxValue)
        : type == typeof(long) ? (long.MinValue, long.MaxValue)
        : type == typeof(ushort) ? (0, ushort.MaxValue)
        : type == typeof(byte) ? (0, byte.MaxValue)
        : null;

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            ? type
            : null;
        return dictionary?.GetGenericArguments()[1];
    }

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    private static string Describe(JsonNode node) => node switch
    {
        JsonObject => "a map",
        JsonArray => "a list",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => $"the string \"{value.GetValue<string>()}\"",
            JsonValueKind.Number => $"the number {value.ToJsonString()}",
            JsonValueKind.True or JsonValueKind.False => $"the boolean {value.ToJsonString()}",
            _ => value.ToJsonString(),
        },
        _ => "a value",
    };
}
