using System.Text.Json.Nodes;
using BareLb.Kube.Configuration;
using CsCheck;
using k8s.Models;

namespace BareLb.Kube.Tests.Configuration.Fidelity;

/// <summary>
/// Random YAML shapes (nulls, scalars where maps are expected, lists where scalars are, deep nesting, huge
/// values) under every key MetalLB knows, fed to every reader: the file checker, the legacy ConfigMap reader of
/// the controller, and the controller's reading of typed objects. None may throw, and every error names a field.
/// </summary>
public sealed class RandomShapeTests
{
    private static readonly string[] LegacyKeys =
    [
        "peers", "address-pools", "bgp-communities", "bfd-profiles", "name", "protocol", "addresses", "auto-assign", "avoid-buggy-ips",
        "bgp-advertisements", "aggregation-length", "aggregation-length-v6", "localpref", "communities", "my-asn", "peer-asn", "peer-address",
        "peer-port", "source-address", "hold-time", "keepalive-time", "router-id", "password", "bfd-profile", "ebgp-multihop", "node-selectors",
        "match-labels", "match-expressions", "key", "operator", "values", "receive-interval", "echo-mode",
    ];

    private static readonly string[] ResourceKeys =
    [
        "addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation", "priority", "namespaces", "namespaceSelectors", "serviceSelectors",
        "ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces", "aggregationLength", "aggregationLengthV6", "localPref",
        "communities", "peers", "myASN", "peerASN", "localASN", "dynamicASN", "peerAddress", "interface", "sourceAddress", "peerPort", "holdTime",
        "keepaliveTime", "connectTime", "routerID", "password", "passwordSecret", "bfdProfile", "ebgpMultiHop", "vrf", "name", "value",
        "matchLabels", "matchExpressions", "key", "operator", "values", "echoMode", "receiveInterval",
    ];

    private static readonly string[] Texts = ["10.0.0.0/24", "1.1.1", "0x7f.1", "a-b", "", "large:1:2:3", "1:2", "90s", "In", "layer2", "bgp", "2001:db8::/64", "x", new string('9', 400)];

    private static readonly string[] Kinds = ["IPAddressPool", "L2Advertisement", "BGPAdvertisement", "BGPPeer", "BFDProfile", "Community"];

    private static Gen<JsonNode?> Scalar(string[] keys) => Gen.OneOf<JsonNode?>(
        Gen.Int[0, 0].Select(_ => (JsonNode?)null),
        Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Int[0, Texts.Length - 1].Select(i => (JsonNode?)JsonValue.Create(Texts[i])),
        Gen.Int[0, keys.Length - 1].Select(i => (JsonNode?)JsonValue.Create(keys[i])));

    private static Gen<JsonNode?> Shape(string[] keys, int depth) => depth == 0
        ? Scalar(keys)
        : Gen.Frequency(
            (3, Scalar(keys)),
            (2, Shape(keys, depth - 1).Array[0, 3].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))),
            (3, Gen.Select(Gen.Int[0, keys.Length - 1], Shape(keys, depth - 1)).Array[0, 4].Select(pairs =>
            {
                var map = new JsonObject();
                foreach (var (key, value) in pairs)
                {
                    map[keys[key]] = value?.DeepClone();
                }

                return (JsonNode?)map;
            })));

    [Fact]
    public void RandomLegacyConfigurations_NeverThrow_AndEveryErrorNamesAField()
    {
        Shape(LegacyKeys, 5).Sample(root =>
        {
            var text = root?.ToJsonString() ?? "";
            var fromApi = MetalLbConfigurationReader.FromConfigMap(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "config", NamespaceProperty = "metallb-system" },
                Data = new Dictionary<string, string> { ["config"] = text },
            });
            AssertNamed(fromApi.Problems, text);

            var manifest = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = "config", ["namespace"] = "metallb-system" },
                ["data"] = new JsonObject { ["config"] = text },
            };
            AssertNamed(ConfigurationFiles.Check([new ConfigurationFile("random.yaml", manifest.ToJsonString())]).Problems, text);
        }, iter: 3000);
    }

    [Fact]
    public void RandomObjects_NeverThrow_InTheCheckerOrTheController_AndEveryErrorNamesAField()
    {
        var objects = Gen.Select(Gen.Int[0, Kinds.Length - 1], Shape(ResourceKeys, 4), Gen.Int[0, 3]).Select((kind, spec, name) => new JsonObject
        {
            ["apiVersion"] = Kinds[kind] == "BGPPeer" ? "metallb.io/v1beta2" : "metallb.io/v1beta1",
            ["kind"] = Kinds[kind],
            ["metadata"] = new JsonObject { ["name"] = $"o{name}", ["namespace"] = "metallb-system" },
            ["spec"] = spec?.DeepClone(),
        });
        objects.Array[1, 5].Sample(list =>
        {
            var text = string.Join("\n---\n", list.Select(o => o.ToJsonString()));
            AssertNamed(ConfigurationFiles.Check([new ConfigurationFile("random.yaml", text)]).Problems, text);

            // The controller gets typed objects: whatever binds leniently (the API server would have refused the rest).
            var typed = list.Where(o => TryTyped(o)).ToList();
            AssertNamed(MetalLbConfigurationReader.FromResources(FidelityCorpusTests.ResourcesOf(typed)).Problems, text);
        }, iter: 3000);
    }

    private static bool TryTyped(JsonObject node)
    {
        try
        {
            _ = FidelityCorpusTests.ResourcesOf([node]);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void AssertNamed(IEnumerable<ConfigurationProblem> problems, string input)
    {
        foreach (var problem in problems.Where(p => p.Severity == ProblemSeverity.Error))
        {
            Assert.True(problem.Field.Length > 0 || problem.Kind.Length == 0 || problem.Message.Contains("is the same", StringComparison.Ordinal) || problem.Message.Contains("not valid YAML", StringComparison.Ordinal) || problem.Message.Contains("map", StringComparison.Ordinal),
                $"an error without a field: {problem}\ninput: {input}");
        }
    }
}
