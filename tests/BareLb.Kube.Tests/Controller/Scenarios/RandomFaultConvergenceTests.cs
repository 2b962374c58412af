using System.Globalization;
using BareLb.Kube.Controller;
using BareLb.Kube.Testing.Faults;
using k8s.Autorest;
using k8s.Models;

namespace BareLb.Kube.Tests.Controller.Scenarios;

/// <summary>
/// Randomized, from fixed seeds: Services are created, edited and deleted while the API answers with conflicts,
/// server errors, cut watches and 410s on resume (the fixed scenario is <see cref="FaultConvergenceTests"/>). At the
/// end every Service converges, no address is held by two Services that may not share it, and a fresh controller
/// agrees with what the API shows (it writes nothing).
/// </summary>
public sealed class RandomFaultConvergenceTests
{
    private const string SharingKey = "metallb.io/allow-shared-ip";

    // Fifty addresses: every Service without a request always finds one; requests crowd the first ten.
    private static readonly LegacyPool[] Pools = [new("default", ["192.168.35.100-192.168.35.149"])];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task UnderRandomFaults_EveryServiceConverges_AndNoAddressIsHeldByTwoThatMayNotShare(int seed)
    {
        var random = new Random(seed);
        await using var cluster = await ScenarioCluster.StartWithControllerAsync(Pools);
        var names = new List<string>();
        for (var step = 0; step < 30; step++)
        {
            if (random.Next(3) == 0)
            {
                InjectFault(cluster.Server.Faults, random);
            }

            var op = random.Next(10);
            if (names.Count < 3 || op < 4)
            {
                var name = $"svc-{step:00}";
                await RetryAsync(() => cluster.CreateAsync(name, s => Shape(s, random)));
                names.Add(name);
            }
            else if (op < 8)
            {
                var name = names[random.Next(names.Count)];
                await RetryAsync(() => cluster.PatchAsync(name, Edit(random)));
            }
            else
            {
                var name = names[random.Next(names.Count)];
                await RetryAsync(() => cluster.DeleteAsync(name));
                names.Remove(name);
            }

            await Task.Delay(random.Next(30), ScenarioCluster.Ct);
        }

        cluster.Server.Faults.ClearFailures();
        var converged = await ConvergedAsync(cluster);
        AssertSharingRules(converged.Values);

        // A fresh controller restores exactly what the API shows, and so has nothing to write.
        var versions = converged.ToDictionary(p => p.Key, p => p.Value.Metadata.ResourceVersion);
        await cluster.StopControllersAsync();
        var fresh = await cluster.StartControllerAsync();
        await cluster.SettledAsync();
        Assert.Equal(0, fresh.Writer.StatusWrites + fresh.Writer.AnnotationWrites);
        Assert.Equal(versions, (await cluster.ServicesAsync()).ToDictionary(p => p.Key, p => p.Value.Metadata.ResourceVersion));
    }

    private static void InjectFault(ApiFaults faults, Random random)
    {
        switch (random.Next(7))
        {
            case 0:
                faults.FailNext("update", "services/status", 409, count: random.Next(1, 4));
                break;
            case 1:
                faults.FailNext("update", "services/status", 500, count: random.Next(1, 4));
                break;
            case 2:
                faults.FailNext("create", "events", random.Next(2) == 0 ? 429 : 500, count: random.Next(1, 3));
                break;
            case 3:
                faults.CutWatches();
                break;
            case 4:
                // Resuming the watch now answers 410 Gone: the informers list again.
                faults.CompactHistory();
                faults.CutWatches();
                break;
            case 5:
                faults.FailNext("watch", "services", 500, count: random.Next(1, 3));
                faults.CutWatches();
                break;
            default:
                faults.FailNext("list", "services", 500);
                faults.CompactHistory();
                faults.CutWatches();
                break;
        }
    }

    private static void Shape(V1Service service, Random random)
    {
        service.Spec.Ports = [Port(random)];
        if (random.Next(2) == 0)
        {
            service.Metadata.Annotations[SharingKey] = random.Next(2) == 0 ? "k1" : "k2";
        }

        if (random.Next(3) == 0)
        {
            service.Spec.LoadBalancerIP = Crowded(random);
        }
    }

    private static string Edit(Random random) => random.Next(6) switch
    {
        0 => $$$"""{"spec":{"ports":[{"port":{{{Port(random).Port}}},"protocol":"TCP"}]}}""",
        1 => Annotation($"\"k{random.Next(1, 3)}\""),
        2 => Annotation("null"),
        3 => $$$"""{"spec":{"loadBalancerIP":"{{{Crowded(random)}}}"}}""",
        4 => """{"spec":{"loadBalancerIP":null}}""",
        _ => random.Next(2) == 0 ? """{"spec":{"type":"ClusterIP"}}""" : """{"spec":{"type":"LoadBalancer"}}""",
    };

    private static string Annotation(string json) => "{\"metadata\":{\"annotations\":{\"" + SharingKey + "\":" + json + "}}}";

    private static V1ServicePort Port(Random random) =>
        new() { Port = random.Next(3) switch { 0 => 80, 1 => 443, _ => 8080 }, Protocol = random.Next(4) == 0 ? "UDP" : "TCP" };

    private static string Crowded(Random random) => string.Create(CultureInfo.InvariantCulture, $"192.168.35.{100 + random.Next(10)}");

    // The test's own requests may meet the injected faults too; it retries them as a client would.
    private static async Task RetryAsync(Func<Task> request)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await request();
                return;
            }
            catch (HttpOperationException e) when (attempt < 10 && (int)e.Response.StatusCode is 409 or 429 or 500)
            {
                await Task.Delay(10, ScenarioCluster.Ct);
            }
        }
    }

    /// <summary>
    /// Waits until every Service is settled: a LoadBalancer without a request shows one address of the pool; one with
    /// a request shows it, or nothing while another Service holds it, with an AllocationFailed event saying why; any other type shows nothing.
    /// </summary>
    private static async Task<Dictionary<string, V1Service>> ConvergedAsync(ScenarioCluster cluster)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var services = await cluster.ServicesAsync();
            var unsettled = new List<string>();
            foreach (var service in services.Values)
            {
                if (!await SettledAsync(cluster, service, services.Values))
                {
                    unsettled.Add($"{service.Metadata.Name} ({service.Spec.Type}, asks {service.Spec.LoadBalancerIP ?? "-"}, shows [{string.Join(", ", ScenarioCluster.IngressOf(service))}])");
                }
            }

            if (unsettled.Count == 0)
            {
                return services;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not converged: {string.Join("; ", unsettled)}");
            await Task.Delay(50, ScenarioCluster.Ct);
        }
    }

    private static async Task<bool> SettledAsync(ScenarioCluster cluster, V1Service service, IEnumerable<V1Service> others)
    {
        var shown = ScenarioCluster.IngressOf(service);
        var pool = ScenarioCluster.PoolOf(service);
        if (service.Spec.Type != "LoadBalancer")
        {
            return shown.Count == 0 && pool is null;
        }

        if (service.Spec.LoadBalancerIP is not { Length: > 0 } requested)
        {
            return shown.Count == 1 && pool == "default";
        }

        if (shown.Count == 1)
        {
            return shown[0] == requested && pool == "default";
        }

        // Waiting is settled only while another Service holds the address, and the wait is explained.
        return shown.Count == 0 && pool is null
            && others.Any(o => o.Metadata.Name != service.Metadata.Name && ScenarioCluster.IngressOf(o).Contains(requested))
            && (await cluster.EventsAsync(service.Metadata.Name)).Any(e => e.Reason == ServiceEventReasons.AllocationFailed && e.Message.Contains(requested, StringComparison.Ordinal));
    }

    /// <summary>MetalLB's rule: the holders of one address all carry the same sharing key and use different (protocol, port)s.</summary>
    private static void AssertSharingRules(IEnumerable<V1Service> services)
    {
        var byAddress = services
            .SelectMany(s => ScenarioCluster.IngressOf(s).Select(ip => (Ip: ip, Service: s)))
            .GroupBy(h => h.Ip);
        foreach (var holders in byAddress.Where(g => g.Count() > 1))
        {
            var keys = holders.Select(h => h.Service.Metadata.Annotations?.TryGetValue(SharingKey, out var key) == true ? key : null).Distinct().ToList();
            Assert.True(keys is [{ }], $"{holders.Key} is held by {string.Join(", ", holders.Select(h => h.Service.Metadata.Name))} under the keys [{string.Join(", ", keys)}]");
            var ports = holders.SelectMany(h => h.Service.Spec.Ports.Select(p => $"{p.Port}/{p.Protocol}")).ToList();
            Assert.True(ports.Count == ports.Distinct().Count(), $"{holders.Key} is held by {string.Join(", ", holders.Select(h => h.Service.Metadata.Name))} with colliding ports [{string.Join(", ", ports)}]");
        }
    }
}
