using System.Globalization;
using System.Text.Json.Nodes;
using BareLb.Kube.Testing.Resources;
using BareLb.Kube.Testing.Storage;

namespace BareLb.Kube.Testing.Services;

/// <summary>
/// Defaults Services as the API server does: a cluster IP from the service range, node ports for NodePort and
/// LoadBalancer Services, IP families and cluster IPs (single- or dual-stack, see <see cref="ServiceIpFamilies"/>), traffic policies, and the changes a type change implies. Allocations
/// follow the committed objects, so a rejected or dry-run write allocates nothing.
/// </summary>
internal sealed class ServiceDefaulter : IAdmission
{
    private readonly ServiceIpFamilies _families;
    private readonly int _nodePortMin;
    private readonly int _nodePortMax;
    private readonly HashSet<string> _ips = new(StringComparer.Ordinal);
    private readonly HashSet<int> _nodePorts = [];

    public ServiceDefaulter(ServiceIpFamilies families, int nodePortMin, int nodePortMax)
    {
        _families = families;
        _nodePortMin = nodePortMin;
        _nodePortMax = nodePortMax;
    }

    public void Admit(ResourceType type, JsonObject? old, JsonObject obj)
    {
        if (!IsService(type))
        {
            return;
        }

        var name = Json.String(obj, "metadata", "name") ?? string.Empty;
        var spec = obj["spec"] as JsonObject;
        if (spec is null)
        {
            spec = [];
            obj["spec"] = spec;
        }

        var oldSpec = old?["spec"] as JsonObject;
        var serviceType = Json.String(spec, "type");
        if (string.IsNullOrEmpty(serviceType))
        {
            serviceType = "ClusterIP";
            spec["type"] = serviceType;
        }

        if (serviceType is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
        {
            throw Invalid(name, $"spec.type: Unsupported value: \"{serviceType}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        }

        spec["sessionAffinity"] ??= "None";
        var ports = spec["ports"] as JsonArray;
        if (ports is not null)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                if (port["port"] is null)
                {
                    throw Invalid(name, "spec.ports[0].port: Required value");
                }

                port["targetPort"] ??= port["port"]!.DeepClone();
            }
        }
        else if (serviceType != "ExternalName" && Json.String(spec, "clusterIP") != "None")
        {
            throw Invalid(name, "spec.ports: Required value");
        }

        if (serviceType == "ExternalName")
        {
            if (string.IsNullOrEmpty(Json.String(spec, "externalName")))
            {
                throw Invalid(name, "spec.externalName: Required value");
            }

            foreach (var field in (string[])["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"])
            {
                spec.Remove(field);
            }
        }
        else
        {
            _families.Default(name, spec, oldSpec, _ips);
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        var needsNodePorts = serviceType == "NodePort"
            || (serviceType == "LoadBalancer" && (Json.Bool(spec["allocateLoadBalancerNodePorts"]) ?? true));
        if (serviceType == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }
        else
        {
            spec.Remove("allocateLoadBalancerNodePorts");
            // As the API server's dropTypeDependentFields: loadBalancerIP stays, the class goes.
            spec.Remove("loadBalancerClass");
        }

        if (serviceType is "NodePort" or "LoadBalancer")
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }
        else
        {
            spec.Remove("externalTrafficPolicy");
            spec.Remove("healthCheckNodePort");
        }

        if (ports is not null)
        {
            DefaultNodePorts(name, ports, oldSpec?["ports"] as JsonArray, needsNodePorts);
        }

        DefaultHealthCheckNodePort(name, serviceType, spec, oldSpec);

        var status = obj["status"] as JsonObject;
        if (status is null)
        {
            status = [];
            obj["status"] = status;
        }

        if (serviceType != "LoadBalancer" || status["loadBalancer"] is not JsonObject)
        {
            status["loadBalancer"] = new JsonObject();
        }
    }

    public void Committed(ResourceType type, JsonObject? old, JsonObject? obj)
    {
        if (!IsService(type))
        {
            return;
        }

        if (old is not null)
        {
            foreach (var ip in ServiceIpFamilies.ClusterIps(old))
            {
                _ips.Remove(ip);
            }

            foreach (var port in NodePorts(old))
            {
                _nodePorts.Remove(port);
            }
        }

        if (obj is not null)
        {
            foreach (var ip in ServiceIpFamilies.ClusterIps(obj))
            {
                _ips.Add(ip);
            }

            foreach (var port in NodePorts(obj))
            {
                _nodePorts.Add(port);
            }
        }
    }

    private void DefaultNodePorts(string name, JsonArray ports, JsonArray? oldPorts, bool needed)
    {
        var claimed = new HashSet<int>();
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port)
            {
                continue;
            }

            var old = oldPorts?.OfType<JsonObject>().FirstOrDefault(p =>
                Json.Scalar(p["port"]) == Json.Scalar(port["port"]) && Json.Scalar(p["protocol"]) == Json.Scalar(port["protocol"]));
            var oldNodePort = (int)(Json.Integer(old?["nodePort"]) ?? 0);
            var requested = (int)(Json.Integer(port["nodePort"]) ?? 0);
            if (!needed)
            {
                // A node port left over from the old type is dropped; one asked for anew is an error.
                if (requested != 0 && requested != oldNodePort)
                {
                    throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"));
                }

                port.Remove("nodePort");
                continue;
            }

            if (requested == 0)
            {
                requested = oldNodePort != 0 ? oldNodePort : AllocateNodePort(name, claimed);
            }
            else if (requested != oldNodePort && !(oldPorts?.OfType<JsonObject>().Any(p => Json.Integer(p["nodePort"]) == requested) ?? false))
            {
                if (requested < _nodePortMin || requested > _nodePortMax)
                {
                    throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}].nodePort: Invalid value: {requested}: provided port is not in the valid range. The range of valid ports is {_nodePortMin}-{_nodePortMax}"));
                }

                if (_nodePorts.Contains(requested) || claimed.Contains(requested))
                {
                    throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"spec.ports[{i}].nodePort: Invalid value: {requested}: provided port is already allocated"));
                }
            }

            claimed.Add(requested);
            port["nodePort"] = requested;
        }
    }

    /// <summary>A LoadBalancer Service with <c>externalTrafficPolicy: Local</c> gets a health check node port, kept across updates.</summary>
    private void DefaultHealthCheckNodePort(string name, string serviceType, JsonObject spec, JsonObject? oldSpec)
    {
        if (serviceType != "LoadBalancer" || Json.String(spec, "externalTrafficPolicy") != "Local")
        {
            spec.Remove("healthCheckNodePort");
            return;
        }

        var old = (int)(Json.Integer(oldSpec?["healthCheckNodePort"]) ?? 0);
        var requested = (int)(Json.Integer(spec["healthCheckNodePort"]) ?? 0);
        if (requested == 0)
        {
            var claimed = NodePorts(new JsonObject { ["spec"] = spec.DeepClone() }).ToHashSet();
            requested = old != 0 ? old : AllocateNodePort(name, claimed);
        }
        else if (requested != old && _nodePorts.Contains(requested))
        {
            throw Invalid(name, string.Create(CultureInfo.InvariantCulture, $"spec.healthCheckNodePort: Invalid value: {requested}: provided port is already allocated"));
        }

        spec["healthCheckNodePort"] = requested;
    }

    private int AllocateNodePort(string name, HashSet<int> claimed)
    {
        var size = _nodePortMax - _nodePortMin + 1;
        var start = Random.Shared.Next(size);
        for (var i = 0; i < size; i++)
        {
            var candidate = _nodePortMin + ((start + i) % size);
            if (!_nodePorts.Contains(candidate) && !claimed.Contains(candidate))
            {
                return candidate;
            }
        }

        throw Invalid(name, "spec.ports: Internal error: failed to allocate a nodePort: range is full");
    }

    private static IEnumerable<int> NodePorts(JsonObject service)
    {
        if (Json.At(service, "spec", "ports") is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                if (Json.Integer(port["nodePort"]) is { } nodePort and not 0)
                {
                    yield return (int)nodePort;
                }
            }
        }

        if (Json.Integer(Json.At(service, "spec", "healthCheckNodePort")) is { } health and not 0)
        {
            yield return (int)health;
        }
    }

    private static bool IsService(ResourceType type) => type.Group.Length == 0 && type.Plural == "services";

    internal static ApiException Invalid(string name, string detail) => ApiException.Invalid("Service", string.Empty, name, detail);
}
