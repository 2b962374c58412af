using System.Text.Json.Serialization;
using k8s.Models;

namespace BareLb.Kube.Configuration.Api;

/// <summary><c>metallb.io/v1beta1</c> BFDProfile: settings of a BFD session a BGPPeer may use.</summary>
public sealed class BFDProfile() : ConditionedMetalLbObject<BFDProfileSpec>(MetalLbApi.V1Beta1, KindName)
{
    /// <summary>The kind.</summary>
    public const string KindName = "BFDProfile";

    /// <summary>The plural resource name.</summary>
    public const string Plural = "bfdprofiles";
}

/// <summary>The desired state of a <see cref="BFDProfile"/>; intervals in milliseconds.</summary>
public sealed class BFDProfileSpec
{
    /// <summary>The minimum interval between received control packets (10-60000 ms).</summary>
    [JsonPropertyName("receiveInterval")]
    public uint? ReceiveInterval { get; set; }

    /// <summary>The minimum interval between sent control packets (10-60000 ms).</summary>
    [JsonPropertyName("transmitInterval")]
    public uint? TransmitInterval { get; set; }

    /// <summary>Packets that may be lost before the session is down (2-255).</summary>
    [JsonPropertyName("detectMultiplier")]
    public uint? DetectMultiplier { get; set; }

    /// <summary>The echo packet interval (10-60000 ms).</summary>
    [JsonPropertyName("echoInterval")]
    public uint? EchoInterval { get; set; }

    /// <summary>Whether echo mode is on.</summary>
    [JsonPropertyName("echoMode")]
    public bool? EchoMode { get; set; }

    /// <summary>Whether the session waits for the peer to start.</summary>
    [JsonPropertyName("passiveMode")]
    public bool? PassiveMode { get; set; }

    /// <summary>The minimum TTL of incoming packets (1-254), for multi-hop sessions.</summary>
    [JsonPropertyName("minimumTtl")]
    public uint? MinimumTtl { get; set; }
}
