using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>One entry of <c>match-expressions</c>.</summary>
internal sealed class LegacySelectorRequirement
{
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    [JsonPropertyName("operator")]
    public string? Operator { get; set; }

    [JsonPropertyName("values")]
    public List<string>? Values { get; set; }
}
