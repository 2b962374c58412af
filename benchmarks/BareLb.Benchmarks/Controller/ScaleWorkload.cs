using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing;

namespace BareLb.Benchmarks.Controller;

/// <summary>
/// The scale scenario of issue #4: 50 pools in MetalLB's legacy ConfigMap (45 auto-assigning /23s and 5
/// /23s with auto-assign off that only serve requested addresses, all in 198.18.0.0/15) and 10,000
/// Services of type LoadBalancer over 20 namespaces. Of every ten Services, one asks for an address with
/// spec.loadBalancerIP (from the static pools), one is pinned with metallb.io/address-pool to an auto pool
/// that auto-assignment does not reach, two share an address under one metallb.io/allow-shared-ip key on
/// different ports, and six ask for any address. <see cref="Check"/> verifies the outcome from the
/// emulator's store.
/// </summary>
internal static class ScaleWorkload
{
    public const int ServiceCount = 10_000;
    public const int NamespaceCount = 20;
    public const int PoolCount = 50;
    public const int StaticPoolCount = 5;
    private const int PoolSize = 512;

    // Auto-assignment fills the lowest pools first: the 7,000 addresses asked for automatically fill
    // pools 0 to 13, so the 1,000 pinned Services go to pools 25 to 44, 50 to each, where they fit.
    private const int PinnedPoolFirst = 25;
    private const int PinnedPoolCount = 20;

    /// <summary>The first address of pool <paramref name="p"/>: pool p is 198.18.(2p).0/23.</summary>
    private static uint PoolBase(int p) => (198u << 24) | (18u << 16) | ((uint)(2 * p) << 8);

    private static string PoolName(int p) => p < PoolCount - StaticPoolCount
        ? string.Create(CultureInfo.InvariantCulture, $"pool-{p:D2}")
        : string.Create(CultureInfo.InvariantCulture, $"static-{p - (PoolCount - StaticPoolCount):D2}");

    private static string Address(uint value) => new IPAddress(BitConverter.IsLittleEndian ? (uint)IPAddress.HostToNetworkOrder((int)value) : value).ToString();

    /// <summary>The legacy ConfigMap with the 50 pools, as a MetalLB user writes it.</summary>
    public static string ConfigMapJson()
    {
        var config = new StringBuilder("address-pools:\n");
        for (var p = 0; p < PoolCount; p++)
        {
            config.Append(CultureInfo.InvariantCulture, $"- name: {PoolName(p)}\n  protocol: layer2\n  addresses:\n  - {Address(PoolBase(p))}/23\n");
            if (p >= PoolCount - StaticPoolCount)
            {
                config.Append("  auto-assign: false\n");
            }
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "config", ["namespace"] = "metallb-system" },
            ["data"] = new JsonObject { ["config"] = config.ToString() },
        }.ToJsonString();
    }

    public static string Namespace(int i) => string.Create(CultureInfo.InvariantCulture, $"ns-{i % NamespaceCount:D2}");

    public static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"svc-{i:D5}");

    /// <summary>Service i of the workload.</summary>
    public static JsonObject Service(int i)
    {
        var annotations = new JsonObject();
        var spec = new JsonObject
        {
            ["type"] = "LoadBalancer",
            ["allocateLoadBalancerNodePorts"] = false, // 10,000 Services would exhaust the 2,768 node ports
            ["selector"] = new JsonObject { ["app"] = Name(i) },
        };
        var port = 80;
        switch (i % 10)
        {
            case 0:
                var k = i / 10; // 1,000 requested addresses over the static pools, 200 in each
                spec["loadBalancerIP"] = Address(PoolBase(PoolCount - StaticPoolCount + (k / 200)) + (uint)(k % 200));
                break;
            case 1:
                annotations["metallb.io/address-pool"] = PoolName(PinnedPoolFirst + (i / 10 % PinnedPoolCount));
                break;
            case 2 or 3:
                annotations["metallb.io/allow-shared-ip"] = string.Create(CultureInfo.InvariantCulture, $"share-{i / 10}");
                port = i % 10 == 2 ? 80 : 443;
                break;
            default:
                break;
        }

        spec["ports"] = new JsonArray(new JsonObject { ["name"] = "web", ["port"] = port, ["protocol"] = "TCP" });
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = Name(i), ["namespace"] = Namespace(i), ["annotations"] = annotations },
            ["spec"] = spec,
        };
    }

    /// <summary>Namespaces, the ConfigMap and the Services.</summary>
    public static void Seed(KubeApiServer server)
    {
        server.Seed("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"metallb-system"}}""");
        for (var n = 0; n < NamespaceCount; n++)
        {
            server.Seed(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = Namespace(n) } });
        }

        server.Seed(ConfigMapJson());
        for (var i = 0; i < ServiceCount; i++)
        {
            server.Seed(Service(i));
        }
    }

    /// <summary>How many workload Services show an ingress address in the emulator's store.</summary>
    public static int CountWithAddress(KubeApiServer server) =>
        server.List("v1", "Service").Count(s => s["spec"]?["type"]?.GetValue<string>() == "LoadBalancer" && IngressOf(s).Count > 0);

    /// <summary>
    /// The problems with the outcome, empty when it is right: every Service has exactly one address, the
    /// one it asked for, from the pool it was pinned to, inside the pool its annotation names; Services
    /// share an address only under one sharing key and on different ports.
    /// </summary>
    public static IReadOnlyList<string> Check(KubeApiServer server)
    {
        var problems = new List<string>();
        var holders = new Dictionary<string, List<(string Name, string? Key, int Port)>>(StringComparer.Ordinal);
        for (var i = 0; i < ServiceCount; i++)
        {
            var wanted = Service(i);
            var stored = server.Get("v1", "Service", Namespace(i), Name(i));
            var id = $"{Namespace(i)}/{Name(i)}";
            var ingress = stored is null ? [] : IngressOf(stored);
            if (ingress.Count != 1)
            {
                problems.Add($"{id} has {ingress.Count} addresses");
                continue;
            }

            var address = ingress[0];
            var pool = stored!["metadata"]?["annotations"]?["metallb.io/ip-allocated-from-pool"]?.GetValue<string>();
            var requested = wanted["spec"]?["loadBalancerIP"]?.GetValue<string>();
            var pinned = wanted["metadata"]?["annotations"]?["metallb.io/address-pool"]?.GetValue<string>();
            var key = wanted["metadata"]?["annotations"]?["metallb.io/allow-shared-ip"]?.GetValue<string>();
            if (requested is not null && address != requested)
            {
                problems.Add($"{id} asked for {requested} but has {address}");
            }

            if (pinned is not null && pool != pinned)
            {
                problems.Add($"{id} is pinned to {pinned} but its address came from {pool}");
            }

            if (pool is null || !InPool(address, pool))
            {
                problems.Add($"{id} has {address}, which is not in its pool {pool ?? "(no annotation)"}");
            }

            var port = wanted["spec"]!["ports"]![0]!["port"]!.GetValue<int>();
            if (!holders.TryGetValue(address, out var list))
            {
                holders[address] = list = [];
            }

            list.Add((id, key, port));
        }

        foreach (var (address, list) in holders.Where(h => h.Value.Count > 1))
        {
            if (list.Any(h => h.Key is null || h.Key != list[0].Key) || list.Select(h => h.Port).Distinct().Count() != list.Count)
            {
                problems.Add($"{address} is held by {string.Join(", ", list.Select(h => h.Name))}, which may not share it");
            }
        }

        return problems;
    }

    private static bool InPool(string address, string pool)
    {
        var p = Enumerable.Range(0, PoolCount).FirstOrDefault(p => PoolName(p) == pool, -1);
        if (p < 0 || !IPAddress.TryParse(address, out var ip))
        {
            return false;
        }

        var bytes = ip.GetAddressBytes();
        var value = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        return value >= PoolBase(p) && value < PoolBase(p) + PoolSize;
    }

    private static List<string> IngressOf(JsonObject service) =>
        (service["status"]?["loadBalancer"]?["ingress"] as JsonArray)?.Select(i => i?["ip"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
}
