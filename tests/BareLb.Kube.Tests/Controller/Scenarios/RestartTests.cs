using BareLb.Kube.Controller;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>A fresh controller restores every address Services show before it allocates anything new.</summary>
public sealed class RestartTests
{
    private static readonly LegacyPool[] Pools =
    [
        new("default", ["192.168.35.100-192.168.35.119"]),
        new("reserved", ["192.168.37.100-192.168.37.109"], AutoAssign: false),
    ];

    [Fact]
    public async Task AfterARestart_EveryServiceKeepsExactlyItsAddress_AndNewOnesGetFreeOnes()
    {
        await using var cluster = await ScenarioCluster.StartAsync(Pools);
        var first = await cluster.StartControllerAsync();

        // Names run against creation order, so that a listing by name is not the order of assignment.
        for (var i = 0; i < 12; i++)
        {
            var name = $"svc-{11 - i:00}";
            await cluster.CreateAsync(name, i switch
            {
                3 => s => s.Spec.LoadBalancerIP = "192.168.35.118",
                5 => s => s.Metadata.Annotations["metallb.io/address-pool"] = "reserved",
                7 => s => s.Metadata.Annotations["metallb.io/loadBalancerIPs"] = "192.168.37.105",
                8 or 9 => s =>
                {
                    s.Metadata.Annotations["metallb.io/allow-shared-ip"] = "shared";
                    s.Spec.Ports = [new V1ServicePort { Port = 8000 + i, Protocol = "TCP" }];
                },
                _ => null,
            });
        }

        var before = await ConvergedAsync(cluster, 12);
        Assert.Equal(before["svc-03"], before["svc-02"]); // the two sharers
        await first.DisposeAsync();

        // While no controller runs: one Service goes (freeing its address), new ones arrive, one asking for a held address.
        var freed = before["svc-10"];
        await cluster.DeleteAsync("svc-10");
        await cluster.CreateAsync("aaa-new");
        await cluster.CreateAsync("aaa-thief", s => s.Spec.LoadBalancerIP = before["svc-00"]);
        await cluster.CreateAsync("aaa-sharer", s =>
        {
            s.Metadata.Annotations["metallb.io/allow-shared-ip"] = "shared";
            s.Spec.Ports = [new V1ServicePort { Port = 9000, Protocol = "TCP" }];
        });
        before.Remove("svc-10");
        var versions = (await cluster.ServicesAsync()).Where(p => before.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value.Metadata.ResourceVersion);

        await cluster.StartControllerAsync();

        Assert.Equal([freed], await cluster.IngressAsync("aaa-new"));
        Assert.Equal([before["svc-03"]], await cluster.IngressAsync("aaa-sharer"));
        var refused = await cluster.EventAsync("aaa-thief", ServiceEventReasons.AllocationFailed);
        Assert.Contains($"{before["svc-00"]} is in use by apps/svc-00", refused.Message, StringComparison.Ordinal);
        await cluster.SettledAsync();
        var after = await cluster.ServicesAsync();
        foreach (var (name, address) in before)
        {
            Assert.Equal([address], ScenarioCluster.IngressOf(after[name]));
            Assert.Equal(versions[name], after[name].Metadata.ResourceVersion);
        }
    }

    /// <summary>Waits until <paramref name="count"/> Services show an address and returns them by name.</summary>
    internal static async Task<Dictionary<string, string>> ConvergedAsync(ScenarioCluster cluster, int count)
    {
        Dictionary<string, string> shown = [];
        for (var attempt = 0; attempt < 1000 && shown.Count < count; attempt++)
        {
            shown = (await cluster.ServicesAsync()).Values
                .Where(s => ScenarioCluster.IngressOf(s) is [_])
                .ToDictionary(s => s.Metadata.Name, s => ScenarioCluster.IngressOf(s)[0]);
            await Task.Delay(20, ScenarioCluster.Ct);
        }

        Assert.Equal(count, shown.Count);
        return shown;
    }
}
