using System.Text.Json.Serialization;

namespace BareLb.Kube.Configuration.Legacy;

/// <summary>One entry of <c>bfd-profiles</c>.</summary>
internal sealed class LegacyBfdProfile
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("receive-interval")]
    public uint? ReceiveInterval { get; set; }

    [JsonPropertyName("transmit-interval")]
    public uint? TransmitInterval { get; set; }

    [JsonPropertyName("detect-multiplier")]
    public uint? DetectMultiplier { get; set; }

    [JsonPropertyName("echo-interval")]
    public uint? EchoInterval { get; set; }

    [JsonPropertyName("echo-mode")]
    public bool? EchoMode { get; set; }

    [JsonPropertyName("passive-mode")]
    public bool? PassiveMode { get; set; }

    [JsonPropertyName("minimum-ttl")]
    public uint? MinimumTtl { get; set; }
}
