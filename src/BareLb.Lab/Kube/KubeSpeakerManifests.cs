using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BareLb.Lab.Topology;

namespace BareLb.Lab.Kube;

/// <summary>The objects a <see cref="KubeSpeakerCluster"/> writes to the API emulator, as YAML and JSON patches.</summary>
internal static class KubeSpeakerManifests
{
    /// <summary>The namespace of MetalLB's objects and the speaker Pods.</summary>
    public const string Namespace = "metallb-system";

    /// <summary>The CustomResourceDefinition documents of a manifest, as one YAML stream.</summary>
    public static string Crds(string manifest) => string.Join("\n---", manifest
        .Split("\n---", StringSplitOptions.RemoveEmptyEntries)
        .Where(static d => d.Contains("kind: CustomResourceDefinition", StringComparison.Ordinal)));

    /// <summary>The namespace, a Node and a speaker Pod for each member node, the pool and the L2Advertisement.</summary>
    public static string Seed(IEnumerable<LabHost> nodes, IEnumerable<IPAddress> pool)
    {
        var yaml = new StringBuilder($"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {Namespace}\n");
        foreach (var node in nodes)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"""
                ---
                apiVersion: v1
                kind: Node
                metadata:
                  name: {node.Role}
                  labels:
                    kubernetes.io/hostname: {node.Role}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {SpeakerPod(node)}
                  namespace: {Namespace}
                  labels:
                    app: metallb
                    component: speaker
                spec:
                  nodeName: {node.Role}
                  hostNetwork: true
                  containers:
                  - name: speaker
                    image: barelb/speaker:0.1.0

                """);
        }

        var addresses = string.Concat(pool.Select(static a => $"  - {a}/{(a.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)}\n"));
        yaml.Append(CultureInfo.InvariantCulture, $"""
            ---
            apiVersion: metallb.io/v1beta1
            kind: IPAddressPool
            metadata:
              name: lab
              namespace: {Namespace}
            spec:
              addresses:
            {addresses}---
            apiVersion: metallb.io/v1beta1
            kind: L2Advertisement
            metadata:
              name: lab
              namespace: {Namespace}
            spec:
              ipAddressPools: [lab]

            """);
        return yaml.ToString();
    }

    /// <summary>The name of a node's speaker Pod.</summary>
    public static string SpeakerPod(LabHost node) => "speaker-" + node.Role;

    /// <summary>The status of a running host-network speaker Pod: its podIP is the node's address, where the speakers find each other.</summary>
    public static string RunningPodStatus(LabHost node) =>
        "{\"status\":{\"phase\":\"Running\",\"podIP\":\"" + node.Ipv4 + "\",\"hostIP\":\"" + node.Ipv4 + "\",\"podIPs\":[{\"ip\":\"" + node.Ipv4 + "\"}]}}";

    /// <summary>A LoadBalancer Service in <c>default</c> with one ready endpoint on <paramref name="endpointNode"/>.</summary>
    public static string Service(string name, IPAddress address, LabHost endpointNode)
    {
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        return $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: default
            spec:
              type: LoadBalancer
              ipFamilies: [{(v6 ? "IPv6" : "IPv4")}]
              ports:
              - port: 80
                protocol: TCP
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {name}-x1
              namespace: default
              labels:
                kubernetes.io/service-name: {name}
            addressType: {(v6 ? "IPv6" : "IPv4")}
            endpoints:
            - addresses: ["{(v6 ? endpointNode.Ipv6 : endpointNode.Ipv4)}"]
              conditions:
                ready: true
                serving: true
              nodeName: {endpointNode.Role}
            ports:
            - port: 80
              protocol: TCP

            """;
    }

    /// <summary>The status of a Service given <paramref name="address"/>, as the controller writes it.</summary>
    public static string IngressStatus(IPAddress address) =>
        "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + address + "\",\"ipMode\":\"VIP\"}]}}}";
}
