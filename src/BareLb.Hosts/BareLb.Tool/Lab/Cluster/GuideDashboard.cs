using System.Globalization;
using System.Net;
using k8s.Models;

namespace BareLb.Tool.Lab.Cluster;

/// <summary>
/// One of the four dashboards of the guide in <c>shared/scenario</c>: its Service as the guide shows it (namespace,
/// name, cluster IP, ports) and the <c>loadBalancerIP</c> the guide gives it (host 100 to 103 of the pool).
/// </summary>
internal sealed record GuideDashboard(string Title, string Namespace, string Name, string ClusterIP, IReadOnlyList<(string Name, int Port, int TargetPort)> Ports, int Host)
{
    /// <summary>The guide's four dashboards, in its order.</summary>
    public static readonly IReadOnlyList<GuideDashboard> All =
    [
        new("Kubeflow", "istio-system", "istio-ingressgateway", "10.103.72.5", [("status-port", 15021, 15021), ("http2", 80, 8080), ("https", 443, 8443), ("tcp", 31400, 31400), ("tls", 15443, 15443)], 100),
        new("MinIO", "kubeflow", "minio-service", "10.109.209.87", [("http", 9000, 9000)], 101),
        new("MLflow", "mlflow-system", "mlflow-server-service", "10.111.173.209", [("", 5000, 5000)], 102),
        new("Grafana", "seldon-system", "seldon-core-analytics-grafana", "10.109.20.161", [("service", 80, 3000)], 103),
    ];

    /// <summary>The guide's address for this dashboard (192.168.35.<see cref="Host"/>).</summary>
    public string GuideAddress => "192.168.35." + Host.ToString(CultureInfo.InvariantCulture);

    /// <summary>The port a browser opens: the guide's URL has none for Kubeflow (80) and names the others'.</summary>
    public int BrowserPort => Ports.Any(static p => p.Port == 80) ? 80 : Ports[0].Port;

    /// <summary>The Service before the guide edits it: ClusterIP, single-stack IPv4, as the guide's <c>kubectl edit</c> shows it.</summary>
    public V1Service Service() => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Namespace, Labels = new Dictionary<string, string> { ["app"] = Name } },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            ClusterIP = ClusterIP,
            ClusterIPs = [ClusterIP],
            IpFamilies = ["IPv4"],
            IpFamilyPolicy = "SingleStack",
            Selector = new Dictionary<string, string> { ["app"] = Name },
            Ports = [.. Ports.Select(static p => new V1ServicePort { Name = p.Name.Length == 0 ? null : p.Name, Port = p.Port, TargetPort = p.TargetPort, Protocol = "TCP" })],
        },
    };

    /// <summary>
    /// The EndpointSlice the EndpointSlice controller would publish for this dashboard with its one Pod on
    /// <paramref name="node"/> at <paramref name="podIP"/>, ready and serving.
    /// </summary>
    public V1EndpointSlice EndpointSlice(string node, IPAddress podIP)
    {
        ArgumentNullException.ThrowIfNull(podIP);
        return new V1EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new V1ObjectMeta
            {
                Name = Name + "-lab",
                NamespaceProperty = Namespace,
                Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = Name, ["endpointslice.kubernetes.io/managed-by"] = "barelb-lab" },
            },
            AddressType = "IPv4",
            Endpoints =
            [
                new V1Endpoint
                {
                    Addresses = [podIP.ToString()],
                    NodeName = node,
                    Conditions = new V1EndpointConditions { Ready = true, Serving = true, Terminating = false },
                    TargetRef = new V1ObjectReference { Kind = "Pod", Name = Name + "-0", NamespaceProperty = Namespace },
                },
            ],
            Ports = [.. Ports.Select(static p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.TargetPort, Protocol = "TCP" })],
        };
    }
}
