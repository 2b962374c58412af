// The guide in shared/scenario, played on BareLb's pure logic: the ConfigMap's pool, the four
// dashboards switched to LoadBalancer with their loadBalancerIPs, one more Service that gets the
// next free address, a refused request explained, and which node announces each address before
// and after a node leaves. No cluster and no packets: addresses here are data only.
using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using BareLb.Core.Election;
using BareLb.Core.Pools;

// metallb_config.yaml: address-pools: [{name: default, protocol: layer2, addresses: [192.168.35.100-192.168.35.110]}]
var source = new ConfigurationSource("ConfigMap", "metallb-system/config", "address-pools[0]");
if (!PoolConfiguration.TryCreate(
        [new AddressPoolSpec { Name = "default", Addresses = ["192.168.35.100-192.168.35.110"], Source = source }],
        out var configuration,
        out var errors))
{
    errors.ToList().ForEach(e => Console.Error.WriteLine(e));
    return 1;
}

var allocator = new AddressAllocator(configuration);
var services = new (string Namespace, string Name, string ClusterIP, string Ports, string? LoadBalancerIP)[]
{
    ("istio-system", "istio-ingressgateway", "10.103.72.5", "15021:31054/TCP,80:30853/TCP,443:30443/TCP,31400:30012/TCP,15443:31650/TCP", "192.168.35.100"),
    ("kubeflow", "minio-service", "10.109.209.87", "9000:31371/TCP", "192.168.35.101"),
    ("mlflow-system", "mlflow-server-service", "10.111.173.209", "5000:32287/TCP", "192.168.35.102"),
    ("seldon-system", "seldon-core-analytics-grafana", "10.109.20.161", "80:31191/TCP", "192.168.35.103"),
    ("default", "another-dashboard", "10.96.0.42", "8080:30080/TCP", null),
};

Console.WriteLine("$ kubectl get svc -A   (after the guide's edits, with BareLb's allocator)");
Console.WriteLine($"{"NAMESPACE",-15}{"NAME",-31}{"TYPE",-15}{"CLUSTER-IP",-16}{"EXTERNAL-IP",-16}PORT(S)");
foreach (var (ns, name, clusterIP, ports, requested) in services)
{
    var request = new ServiceRequest
    {
        Key = new ServiceKey(ns, name),
        RequestedAddresses = requested is null ? [] : [IPAddr.Parse(requested)],
    };
    var result = allocator.Assign(request);
    var external = result.Assignment is { } a ? string.Join(",", a) : "<pending>";
    Console.WriteLine($"{ns,-15}{name,-31}{"LoadBalancer",-15}{clusterIP,-16}{external,-16}{ports}");
}

Console.WriteLine();
var refused = allocator.Assign(new ServiceRequest
{
    Key = new ServiceKey("default", "copycat"),
    RequestedAddresses = [IPAddr.Parse("192.168.35.101")],
});
Console.WriteLine($"default/copycat asks for 192.168.35.101: {refused.Failure!.Reason}: {refused.Failure.Message}");

foreach (var stats in allocator.GetStatistics())
{
    Console.WriteLine($"pool {stats.Pool} {stats.Family}: {stats.Total} addresses, {stats.InUse} in use, {stats.Available} available");
}

Console.WriteLine();
Console.WriteLine("Layer 2: which node answers ARP for each address");
var nodes = new[] { new NodeCandidate("node-a"), new NodeCandidate("node-b"), new NodeCandidate("node-c") };
var ordered = allocator.Assignments.OrderBy(a => a[0]).ToList();
var down = Layer2Election.Elect(ordered[0][0], nodes)!.Name;
var survivors = nodes.Where(n => n.Name != down).ToArray();
Console.WriteLine($"{"ADDRESS",-17}{"ALL NODES",-12}{down.ToUpperInvariant()} DOWN (only its addresses move)");
foreach (var assignment in ordered)
{
    var address = assignment[0];
    Console.WriteLine($"{address,-17}{Layer2Election.Elect(address, nodes)!.Name,-12}{Layer2Election.Elect(address, survivors)!.Name}");
}

return 0;
