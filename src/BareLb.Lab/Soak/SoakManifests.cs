using System.Globalization;
using System.Net;
using System.Text;

namespace BareLb.Lab.Soak;

/// <summary>
/// The objects a soak writes with kubectl: its namespace and configuration (two pools of 20 and 10 addresses per
/// family in the lab's subnets, an L2Advertisement), its Services and the EndpointSlices that give each one ready
/// endpoint on a node.
/// </summary>
internal static class SoakManifests
{
    /// <summary>The soak's namespace, the pool <c>soak-a</c> (every Service may use it) and the L2Advertisement <c>soak</c>.</summary>
    public static string Base(SoakOptions options, IPAddress ipv4Base, IPAddress ipv6Base) => $"""
        apiVersion: v1
        kind: Namespace
        metadata:
          name: {options.Namespace}
        ---
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata:
          name: soak-a
          namespace: {options.ConfigurationNamespace}
        spec:
          addresses:
          - {Range(ipv4Base, 120, 139)}
          - {Range(ipv6Base, 0x120, 0x139)}
        ---
        {SecondPool(options, ipv4Base, ipv6Base)}
        ---
        {Advertisement(options, null)}
        """;

    /// <summary>The pool <c>soak-b</c>: only for Services that ask for it by annotation.</summary>
    public static string SecondPool(SoakOptions options, IPAddress ipv4Base, IPAddress ipv6Base) => $"""
        apiVersion: metallb.io/v1beta1
        kind: IPAddressPool
        metadata:
          name: soak-b
          namespace: {options.ConfigurationNamespace}
        spec:
          autoAssign: false
          addresses:
          - {Range(ipv4Base, 140, 149)}
          - {Range(ipv6Base, 0x140, 0x149)}
        """;

    /// <summary>The L2Advertisement of both pools, leaving out <paramref name="excluded"/> when not null.</summary>
    public static string Advertisement(SoakOptions options, string? excluded)
    {
        var selectors = excluded is null ? "" : $"""

              nodeSelectors:
              - matchExpressions:
                - key: kubernetes.io/hostname
                  operator: NotIn
                  values: [{excluded}]
            """;
        return $"""
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata:
              name: soak
              namespace: {options.ConfigurationNamespace}
            spec:
              ipAddressPools: [soak-a, soak-b]{selectors}
            """;
    }

    /// <summary>A Service as the soak wants it, with EndpointSlices of one ready endpoint on <paramref name="node"/>.</summary>
    public static string Service(SoakOptions options, SoakService service, string node, IPAddress nodeIpv4, IPAddress nodeIpv6)
    {
        var families = service.Family switch
        {
            SoakFamily.IPv4 => "[IPv4]",
            SoakFamily.IPv6 => "[IPv6]",
            SoakFamily.DualIPv4First => "[IPv4, IPv6]",
            _ => "[IPv6, IPv4]",
        };
        var policy = service.Family is SoakFamily.IPv4 or SoakFamily.IPv6 ? "SingleStack" : "RequireDualStack";
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {service.Name}
              namespace: {options.Namespace}
            """);
        if (service.Pool is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"\n  annotations:\n    metallb.universe.tf/address-pool: {service.Pool}");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"""

            spec:
              type: {(service.LoadBalancer ? "LoadBalancer" : "ClusterIP")}
              ipFamilyPolicy: {policy}
              ipFamilies: {families}
              ports:
              - port: 80
                protocol: TCP
            """);
        foreach (var (type, address) in new[] { ("IPv4", nodeIpv4), ("IPv6", nodeIpv6) })
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""

                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: {service.Name}-{type.ToLowerInvariant()}
                  namespace: {options.Namespace}
                  labels:
                    kubernetes.io/service-name: {service.Name}
                addressType: {type}
                endpoints:
                - addresses: ["{address}"]
                  nodeName: {node}
                  conditions:
                    ready: true
                    serving: true
                ports:
                - port: 80
                  protocol: TCP
                """);
        }

        return yaml.ToString();
    }

    private static string Range(IPAddress subnetBase, int first, int last) => $"{Add(subnetBase, first)}-{Add(subnetBase, last)}";

    private static IPAddress Add(IPAddress subnetBase, int host)
    {
        var bytes = subnetBase.GetAddressBytes();
        bytes[^1] = (byte)(host & 0xff);
        bytes[^2] = (byte)(bytes[^2] | (host >> 8));
        return new IPAddress(bytes);
    }
}
