using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>One entry of a peer's <c>node-selectors</c>: the legacy spelling of a label selector.</summary>
internal sealed class LegacyNodeSelector
{
    [JsonPropertyName("match-labels")]
    public Dictionary<string, string>? MatchLabels { get; set; }

    [JsonPropertyName("match-expressions")]
    public List<LegacySelectorRequirement>? MatchExpressions { get; set; }
}
