using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using BareLb.Kube.Configuration;
using BareLb.Kube.Configuration.Api;
using k8s;
using k8s.Models;
using BareLb.Kube.Serialization;

namespace BareLb.Kube.Tests.Configuration;

/// <summary>
/// The shipped CustomResourceDefinitions, checked offline: the emulator serves custom resources but does not
/// validate them against a schema or evaluate CEL (its README says so), so the patterns are exercised here
/// with .NET's regex engine and the CEL rules are only checked to be present.
/// </summary>
public sealed class CrdManifestTests
{
    private static readonly Dictionary<(string Kind, string Version), Type> Models = new()
    {
        [("IPAddressPool", "v1beta1")] = typeof(IPAddressPool),
        [("L2Advertisement", "v1beta1")] = typeof(L2Advertisement),
        [("BGPAdvertisement", "v1beta1")] = typeof(BGPAdvertisement),
        [("BGPPeer", "v1beta1")] = typeof(BGPPeerV1Beta1),
        [("BGPPeer", "v1beta2")] = typeof(BGPPeer),
        [("BFDProfile", "v1beta1")] = typeof(BFDProfile),
        [("Community", "v1beta1")] = typeof(Community),
        [("ServiceL2Status", "v1beta1")] = typeof(ServiceL2Status),
        [("ServiceBGPStatus", "v1beta1")] = typeof(ServiceBGPStatus),
    };

    private static V1CustomResourceDefinition Load(string plural) => Parse(CrdManifests.Read($"metallb.io_{plural}.yaml")!);

    // Through JSON: KubernetesYaml loses the x-kubernetes-* fields.
    private static V1CustomResourceDefinition Parse(string yaml)
    {
        Assert.True(BareLb.Kube.Configuration.Yaml.YamlDocumentReader.TryRead(yaml, 0, out var documents, out _));
        return KubeJson.Deserialize<V1CustomResourceDefinition>(Assert.Single(documents).Root!.ToJsonString());
    }

    private static V1JSONSchemaProps Items(V1JSONSchemaProps array) =>
        array.Items as V1JSONSchemaProps ?? KubeJson.Deserialize<V1JSONSchemaProps>(KubeJson.ToNode(array.Items));

    private static V1JSONSchemaProps Spec(string plural, string version = "v1beta1") =>
        Load(plural).Spec.Versions.Single(v => v.Name == version).Schema.OpenAPIV3Schema.Properties["spec"];

    [Fact]
    public void EveryKind_HasOneNamespacedDefinition_WithOneStorageVersion_AndSchemasThatMatchTheModels()
    {
        Assert.Equal(8, CrdManifests.Names.Count);
        var seen = new List<(string, string)>();
        foreach (var name in CrdManifests.Names)
        {
            var crd = Parse(CrdManifests.Read(name)!);
            Assert.Equal("metallb.io", crd.Spec.Group);
            Assert.Equal("Namespaced", crd.Spec.Scope);
            Assert.Equal($"{crd.Spec.Names.Plural}.metallb.io", crd.Metadata.Name);
            Assert.Single(crd.Spec.Versions, v => v.Storage);
            foreach (var version in crd.Spec.Versions)
            {
                seen.Add((crd.Spec.Names.Kind, version.Name));
                var model = Models[(crd.Spec.Names.Kind, version.Name)];
                var schema = version.Schema.OpenAPIV3Schema;
                AssertSameFields(model, schema, crd.Spec.Names.Kind);
            }
        }

        Assert.Equal(Models.Keys.Order(), seen.Order());
    }

    private static void AssertSameFields(Type model, V1JSONSchemaProps schema, string where)
    {
        var fields = model.GetProperties().Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p => p.PropertyType);
        Assert.Equal(fields.Keys.Order(), schema.Properties.Keys.Order());
        foreach (var (name, type) in fields)
        {
            var inner = Nullable.GetUnderlyingType(type) ?? type;
            var element = inner.IsGenericType && inner.GetGenericTypeDefinition() == typeof(IList<>) ? inner.GetGenericArguments()[0] : inner;
            if (element.Namespace == typeof(IPAddressPool).Namespace && element.IsClass)
            {
                var child = schema.Properties[name];
                AssertSameFields(element, child.Type == "array" ? Items(child) : child, $"{where}.{name}");
            }
        }
    }

    [Theory]
    [InlineData("192.168.35.100-192.168.35.110", true)]
    [InlineData("192.168.35.100 - 192.168.35.110", true)]
    [InlineData("198.18.0.0/15", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("2001:db8::/64", true)]
    [InlineData("2001:db8::1-2001:db8::ff", true)]
    [InlineData("192.168.35.300", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("2001:db8::/129", false)]
    [InlineData("pool", false)]
    [InlineData("", false)]
    public void ThePoolAddressPattern_AcceptsCidrsRangesAndAddresses_Only(string address, bool valid)
    {
        var pattern = Items(Spec("ipaddresspools").Properties["addresses"]).Pattern;

        Assert.Equal(valid, Regex.IsMatch(address, pattern!));
        Assert.Equal(1, Spec("ipaddresspools").Properties["addresses"].MinItems);
        Assert.Contains("addresses", Spec("ipaddresspools").Required);
    }

    [Theory]
    [InlineData("90s", true)]
    [InlineData("1m30s", true)]
    [InlineData("0", true)]
    [InlineData("1.5h", true)]
    [InlineData("90", false)]
    [InlineData("ninety", false)]
    public void ThePeerDurationPattern_IsGosDurationSyntax(string duration, bool valid)
    {
        foreach (var version in new[] { "v1beta1", "v1beta2" })
        {
            Assert.Equal(valid, Regex.IsMatch(duration, Spec("bgppeers", version).Properties["holdTime"].Pattern));
        }
    }

    [Theory]
    [InlineData("65535:65282", true)]
    [InlineData("large:64500:1:2", true)]
    [InlineData("no-export", true)]
    [InlineData("65536:1", false)]
    [InlineData("1:2:3", false)]
    public void TheCommunityPattern_AcceptsValuesAndAliasNames(string community, bool valid)
    {
        var items = Items(Spec("bgpadvertisements").Properties["communities"]);

        Assert.Equal(valid, Regex.IsMatch(community, items.Pattern));
    }

    [Fact]
    public void TheRangesAndCelRules_ThatTheApiServerEnforces_AreDeclared()
    {
        var peer = Spec("bgppeers", "v1beta2");
        Assert.Equal((1d, 4294967295d), (peer.Properties["myASN"].Minimum, peer.Properties["myASN"].Maximum));
        Assert.Equal(["myASN"], peer.Required); // peerAddress or, since MetalLB 0.15, interface
        var rules = peer.XKubernetesValidations.Select(r => r.Message).ToList();
        Assert.Contains("holdTime must be 0 or at least 3s (RFC 4271)", rules);
        Assert.Contains("set exactly one of peerASN and dynamicASN", rules);
        Assert.Contains("keepaliveTime must not be longer than holdTime", rules);

        var advertisement = Spec("bgpadvertisements");
        Assert.Equal((0d, 32d), (advertisement.Properties["aggregationLength"].Minimum, advertisement.Properties["aggregationLength"].Maximum));
        Assert.Equal((0d, 128d), (advertisement.Properties["aggregationLengthV6"].Minimum, advertisement.Properties["aggregationLengthV6"].Maximum));

        var bfd = Spec("bfdprofiles");
        Assert.Equal((2d, 255d), (bfd.Properties["detectMultiplier"].Minimum, bfd.Properties["detectMultiplier"].Maximum));

        var communities = Spec("communities").Properties["communities"];
        Assert.Equal("map", communities.XKubernetesListType);
        Assert.Equal(["name"], communities.XKubernetesListMapKeys);

        var requirement = Items(Items(Spec("l2advertisements").Properties["nodeSelectors"]).Properties["matchExpressions"]);
        Assert.Equal(["In", "NotIn", "Exists", "DoesNotExist"], requirement.Properties["operator"].EnumProperty.Select(e => e.ToString()));
        Assert.Single(requirement.XKubernetesValidations);
    }
}
