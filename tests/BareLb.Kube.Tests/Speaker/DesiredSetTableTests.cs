using BareLb.Kube.Speaker;
using k8s;

namespace BareLb.Kube.Tests.Speaker;

/// <summary>
/// From Kubernetes objects to each node's desired set, through the emulator and three speakers (n1, n2, n3), one
/// table row per MetalLB rule: which nodes announce the Service's address (none, exactly one, or a named one).
/// Everything is in place before the speakers start, so their first decision is the one checked.
/// </summary>
public sealed class DesiredSetTableTests
{
    private const string Ip = "198.18.0.10";

    public static TheoryData<string> Rows => [.. Table.Keys];

    // Expected: "" none, "*" exactly one (any), else the only node that may announce.
    private static readonly Dictionary<string, (Func<SpeakerRig, Task> Setup, string Expected, Action<Layer2SpeakerOptions>? Options)> Table = new()
    {
        ["ready endpoint: one node"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "*", null),
        ["no EndpointSlice: nobody (notOwner)"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); }, "", null),
        ["conditions unset: ready, one node"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); await r.CreateSliceAsync("web", "s", ("n1", null, null, null)); }, "*", null),
        ["ready false, serving true (terminating): one node"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); await r.CreateSliceAsync("web", "s", ("n1", false, true, true)); }, "*", null),
        ["ready false, serving false: nobody"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); await r.CreateSliceAsync("web", "s", ("n1", false, false, true)); }, "", null),
        ["ready false, serving unset: nobody"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); await r.CreateSliceAsync("web", "s", ("n1", false, null, null)); }, "", null),
        ["slice without the service-name label: ignored"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip]); await r.Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(new k8s.Models.V1EndpointSlice { Metadata = new() { Name = "orphan" }, AddressType = "IPv4", Endpoints = [new k8s.Models.V1Endpoint { Addresses = ["10.244.0.1"], NodeName = "n1" }] }, SpeakerRig.Apps, cancellationToken: TestContext.Current.CancellationToken); }, "", null),
        ["externalTrafficPolicy Local: the node with the ready endpoint"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], local: true); await r.ReadyEndpointAsync("web", "n2"); }, "n2", null),
        ["Local: a node whose endpoint is not ready is no candidate"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], local: true); await r.CreateSliceAsync("web", "s", ("n2", false, false, false), ("n3", true, true, false)); }, "n3", null),
        ["Local: a terminating endpoint that serves counts"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], local: true); await r.CreateSliceAsync("web", "s", ("n1", false, true, true)); }, "n1", null),
        ["exclude-from-external-load-balancers on n1 and n2"] = (async r => { await r.ConfigureAsync(); await Exclude(r, "n1", "n2"); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n3", null),
        ["exclude label on every node: nobody"] = (async r => { await r.ConfigureAsync(); await Exclude(r, "n1", "n2", "n3"); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "", null),
        ["exclude label on every node, --ignore-exclude-lb: one"] = (async r => { await r.ConfigureAsync(); await Exclude(r, "n1", "n2", "n3"); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "*", o => o.IgnoreExcludeLoadBalancers = true),
        ["NetworkUnavailable on n1 and n3"] = (async r => { await r.ConfigureAsync(); await r.PatchNodeStatusAsync("n1", true); await r.PatchNodeStatusAsync("n3", true); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n2", null),
        ["preferred node selector: the preferred node"] = (async r => { await r.ConfigureAsync(advertisementSpec: Prefer((10, "n2"))); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n2", null),
        ["preferred node selectors: weights that select a node add up"] = (async r => { await r.ConfigureAsync(advertisementSpec: Prefer((50, "n1"), (30, "n3"), (30, "n2\",\"n3"))); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n3", null),
        ["preferred node selectors: weights of two advertisements add up"] = (async r => { await r.ConfigureAsync(advertisementSpec: Prefer((60, "n1"), (40, "n2"))); await r.AdvertiseAsync("second", Prefer((30, "n2"))); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n2", null),
        ["preferred node selectors: no weight for a node its own node selectors leave out"] = (async r => { await r.ConfigureAsync(advertisementSpec: """ "nodeSelectors":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["n1","n2"]}]}],""" + Prefer((100, "n3"), (10, "n1"))); await r.AdvertiseAsync("n3-only", """ "nodeSelectors":[{"matchLabels":{"kubernetes.io/hostname":"n3"}}]"""); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n1", null),
        ["preferred node that cannot serve (Local): the next by weight"] = (async r => { await r.ConfigureAsync(advertisementSpec: Prefer((90, "n1"), (20, "n3"))); await r.CreateServiceAsync("web", [Ip], local: true); await r.CreateSliceAsync("web", "s", ("n2", true, true, false), ("n3", true, true, false)); }, "n3", null),
        ["node selector of the L2Advertisement"] = (async r => { await r.ConfigureAsync(advertisementSpec: """ "nodeSelectors":[{"matchLabels":{"kubernetes.io/hostname":"n2"}}]"""); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "n2", null),
        ["service selector that does not match: nobody"] = (async r => { await r.ConfigureAsync(advertisementSpec: """ "serviceSelectors":[{"matchLabels":{"app":"web"}}]"""); await r.CreateServiceAsync("web", [Ip], labels: new Dictionary<string, string> { ["app"] = "other" }); await r.ReadyEndpointAsync("web"); }, "", null),
        ["service selector that matches: one"] = (async r => { await r.ConfigureAsync(advertisementSpec: """ "serviceSelectors":[{"matchLabels":{"app":"web"}}]"""); await r.CreateServiceAsync("web", [Ip], labels: new Dictionary<string, string> { ["app"] = "web" }); await r.ReadyEndpointAsync("web"); }, "*", null),
        ["allow-shared-ip with service selectors: refused"] = (async r => { await r.ConfigureAsync(advertisementSpec: """ "serviceSelectors":[{"matchLabels":{"app":"web"}}]"""); await r.CreateServiceAsync("web", [Ip], labels: new Dictionary<string, string> { ["app"] = "web" }, annotations: new Dictionary<string, string> { ["metallb.io/allow-shared-ip"] = "k" }); await r.ReadyEndpointAsync("web"); }, "", null),
        ["allow-shared-ip (old spelling) without selectors: one"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], annotations: new Dictionary<string, string> { ["metallb.universe.tf/allow-shared-ip"] = "k" }); await r.ReadyEndpointAsync("web"); }, "*", null),
        ["ClusterIP with an address left in its status: nobody"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], type: "ClusterIP"); await r.ReadyEndpointAsync("web"); }, "", null),
        ["address outside every pool: nobody"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", ["198.19.0.10"]); await r.ReadyEndpointAsync("web"); }, "", null),
        ["no L2Advertisement for the pool: nobody"] = (async r => { await r.CreateCustomAsync("ipaddresspools", """{"apiVersion":"metallb.io/v1beta1","kind":"IPAddressPool","metadata":{"name":"lab","namespace":"metallb-system"},"spec":{"addresses":["198.18.0.0/24"]}}"""); await r.CreateServiceAsync("web", [Ip]); await r.ReadyEndpointAsync("web"); }, "", null),
        ["another loadBalancerClass: nobody"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], loadBalancerClass: "example.com/other"); await r.ReadyEndpointAsync("web"); }, "", null),
        ["our --lb-class: one"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", [Ip], loadBalancerClass: "example.com/lb"); await r.ReadyEndpointAsync("web"); }, "*", o => o.LoadBalancerClass = "example.com/lb"),
        ["no address in the status: nobody"] = (async r => { await r.ConfigureAsync(); await r.CreateServiceAsync("web", []); await r.ReadyEndpointAsync("web"); }, "", null),
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task EachRule_GivesTheAnnouncersMetalLbGives(string row)
    {
        var (setup, expected, options) = Table[row];
        await using var rig = await SpeakerRig.CreateAsync();
        await setup(rig);
        await rig.StartSpeakersAsync(options);
        var announcers = rig.Announcers(Ip);
        switch (expected)
        {
            case "":
                Assert.Empty(announcers);
                break;
            case "*":
                Assert.Single(announcers);
                break;
            default:
                Assert.Equal([expected], announcers);
                break;
        }

        // Every speaker decided on the same election: the elected node (if any) is the one announcing.
        var elected = rig.Speakers.Values.Select(s => s.Controller.Verdicts.GetValueOrDefault("apps/web")?.Elected).Where(e => e is not null).Distinct().ToList();
        Assert.True(elected.Count <= 1, $"speakers disagree: {string.Join(", ", elected)}");
        if (announcers.Count == 1)
        {
            Assert.Equal(announcers[0], elected.Single());
        }
    }

    [Fact]
    public async Task DualStack_OneNodeAnnouncesBothAddresses_OnTheAdvertisementsInterfaces()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync(advertisementSpec: """ "interfaces":["eth1","eth2"]""");
        await rig.CreateServiceAsync("web", [Ip, "2001:db8::10"]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync();
        var v4 = rig.Announcers(Ip);
        Assert.Single(v4);
        Assert.Equal(v4, rig.Announcers("2001:db8::10"));
        var entry = rig.Speakers[v4[0]].Sink.For("2001:db8::10")!;
        Assert.False(entry.AllInterfaces);
        Assert.Equal(["eth1", "eth2"], entry.Interfaces.Order(StringComparer.Ordinal));
        Assert.Equal(["apps/web"], entry.Services);
    }

    [Fact]
    public async Task AnAdvertisementWithoutInterfaces_MakesTheAddressAnnouncedOnEveryInterface()
    {
        await using var rig = await SpeakerRig.CreateAsync();
        await rig.ConfigureAsync(advertisementSpec: """ "interfaces":["eth1"]""");
        await rig.AdvertiseAsync("everywhere");
        await rig.CreateServiceAsync("web", [Ip]);
        await rig.ReadyEndpointAsync("web");
        await rig.StartSpeakersAsync();
        var entry = rig.Speakers[Assert.Single(rig.Announcers(Ip))].Sink.For(Ip)!;
        Assert.True(entry.AllInterfaces);
        Assert.Empty(entry.Interfaces);
    }

    /// <summary><c>"preferredNodeSelectors"</c> with one entry per (weight, hostnames), the hostnames already quoted inside.</summary>
    private static string Prefer(params (int Weight, string Hostnames)[] entries) =>
        "\"preferredNodeSelectors\":[" + string.Join(",", entries.Select(e =>
            $$$"""{"weight":{{{e.Weight}}},"preference":{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["{{{e.Hostnames}}}"]}]}}""")) + "]";

    private static async Task Exclude(SpeakerRig rig, params string[] nodes)
    {
        foreach (var node in nodes)
        {
            await rig.PatchNodeAsync(node, new { metadata = new { labels = new Dictionary<string, string> { ["node.kubernetes.io/exclude-from-external-load-balancers"] = "" } } });
        }
    }
}
