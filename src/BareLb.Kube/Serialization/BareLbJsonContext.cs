using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Legacy;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Serialization;

/// <summary>
/// Source-generated JSON metadata for BareLb's own types (the <c>metallb.io</c> kinds and the legacy configuration
/// file), with KubernetesClient's settings (camelCase, nulls left out, enums as strings, its time converters), so that
/// nothing is read or written by reflection and the hosts compile ahead of time.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesJson.Iso8601TimeSpanConverter), typeof(KubernetesJson.KubernetesDateTimeConverter), typeof(KubernetesJson.KubernetesDateTimeOffsetConverter)])]
[JsonSerializable(typeof(IPAddressPool))]
[JsonSerializable(typeof(L2Advertisement))]
[JsonSerializable(typeof(BGPAdvertisement))]
[JsonSerializable(typeof(BGPPeer))]
[JsonSerializable(typeof(BGPPeerV1Beta1))]
[JsonSerializable(typeof(BFDProfile))]
[JsonSerializable(typeof(Community))]
[JsonSerializable(typeof(ServiceL2Status))]
[JsonSerializable(typeof(ServiceBGPStatus))]
[JsonSerializable(typeof(ConfigurationObjectStatus))]
[JsonSerializable(typeof(IPAddressPoolStatus))]
[JsonSerializable(typeof(ServiceL2StatusStatus))]
[JsonSerializable(typeof(ServiceBGPStatusStatus))]
[JsonSerializable(typeof(LegacyConfigFile))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class BareLbJsonContext : JsonSerializerContext;
