using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Serialization;

/// <summary>
/// JSON for Kubernetes objects and BareLb's own kinds without reflection: <see cref="BareLbJsonContext"/>'s metadata,
/// and the same settings as KubernetesClient's own (so that what BareLb writes reads back there, and the other way
/// round).
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

    /// <summary>
    /// For tools and tests, not the hosts: also reads and writes every other built-in kind (through KubernetesClient's
    /// metadata for all of them, which a natively compiled host should not carry), and lets the client's own generated
    /// calls write BareLb's kinds and <see cref="JsonElement"/> values. Call it before the first call of the client.
    /// </summary>
    public static void IncludeAllBuiltInKinds()
    {
        if (Interlocked.Exchange(ref s_allKinds, SourceGenerationContext.Default) is not null)
        {
            return;
        }

        KubernetesJson.AddJsonOptions(options =>
        {
            // Frozen once the client has used them; BareLb's own writes go through KubeJson regardless.
            if (!options.IsReadOnly)
            {
                options.TypeInfoResolver = JsonTypeInfoResolver.Combine(options.TypeInfoResolver, BareLbJsonContext.Default);
            }
        });
    }

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static IJsonTypeInfoResolver? s_allKinds;

    // BareLb's kinds first, then every built-in kind once a tool or test has asked for them.
    private sealed class Resolver : IJsonTypeInfoResolver
    {
        public JsonTypeInfo? GetTypeInfo(Type type, JsonSerializerOptions options) =>
            ((IJsonTypeInfoResolver)BareLbJsonContext.Default).GetTypeInfo(type, options) ?? Volatile.Read(ref s_allKinds)?.GetTypeInfo(type, options);
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            TypeInfoResolver = new Resolver(),
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
