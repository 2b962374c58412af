using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BareLb.Kube.Configuration.Api;
using BareLb.Kube.Configuration.Legacy;
using k8s;
using k8s.Models;

namespace BareLb.Kube.Serialization;

/// <summary>
/// Source-generated JSON metadata for what BareLb reads and writes: its own types (the <c>metallb.io</c> kinds and the
/// legacy configuration file) and the built-in kinds it uses, no others, with KubernetesClient's settings (camelCase,
/// nulls left out, enums as strings, its time converters). Nothing is read or written by reflection, and a natively
/// compiled host carries metadata for these kinds only (KubernetesClient's own context has every kind).
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
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1ServiceList))]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(V1NamespaceList))]
[JsonSerializable(typeof(V1EndpointSlice))]
[JsonSerializable(typeof(V1EndpointSliceList))]
[JsonSerializable(typeof(V1Node))]
[JsonSerializable(typeof(V1NodeList))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1ConfigMapList))]
[JsonSerializable(typeof(V1Secret))]
[JsonSerializable(typeof(V1SecretList))]
[JsonSerializable(typeof(V1Pod))]
[JsonSerializable(typeof(V1PodList))]
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(Corev1Event))]
[JsonSerializable(typeof(V1Status))]
[JsonSerializable(typeof(V1ListMeta))]
[JsonSerializable(typeof(V1OwnerReference))]
[JsonSerializable(typeof(V1LabelSelector))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class BareLbJsonContext : JsonSerializerContext;
