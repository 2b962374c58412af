using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Serialization;

/// <summary>
/// JSON for Kubernetes objects and BareLb's own kinds without reflection: KubernetesClient's source-generated
/// metadata for the built-in kinds, <see cref="BareLbJsonContext"/> for the <c>metallb.io</c> kinds, and the same
/// settings as KubernetesClient's own (so that what BareLb writes reads back there, and the other way round).
/// </summary>
internal static class KubeJson
{
    /// <summary>The options: both contexts, KubernetesClient's converters; read-only.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Writes <paramref name="value"/> as its runtime type.</summary>
    public static string Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.Serialize(value, Options.GetTypeInfo(value.GetType()));
    }

    /// <summary>Writes <paramref name="value"/> as a JSON tree, to be merged into a patch.</summary>
    public static JsonNode ToNode(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.SerializeToNode(value, Options.GetTypeInfo(value.GetType()))!;
    }

    /// <summary>Reads a <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize(json, TypeInfo<T>())!;

    /// <summary>Reads a <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(JsonElement json) => json.Deserialize(TypeInfo<T>())!;

    /// <summary>Reads a <typeparamref name="T"/>.</summary>
    public static T Deserialize<T>(JsonNode json) => json.Deserialize(TypeInfo<T>())!;

    /// <summary>A deep copy of a Kubernetes object, through its JSON.</summary>
    public static T Copy<T>(T value)
        where T : notnull =>
        JsonSerializer.SerializeToElement(value, TypeInfo<T>()).Deserialize(TypeInfo<T>())!;

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(BareLbJsonContext.Default, SourceGenerationContext.Default),
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        };
        options.Converters.Add(new KubernetesJson.Iso8601TimeSpanConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new KubernetesJson.KubernetesDateTimeOffsetConverter());
        options.Converters.Add(new V1Status.V1StatusObjectViewConverter());
        options.MakeReadOnly();
        return options;
    }
}
