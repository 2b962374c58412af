using BareLb.Core.Addresses;
using BareLb.Core.Allocation;
using k8s.Models;

namespace BareLb.Kube.Services;

/// <summary>
/// Reads what a Service asks of the allocator from its spec and MetalLB's annotations, and
/// whether BareLb handles it at all. Bad values never throw: the result names the field and why.
/// </summary>
internal static class ServiceRequestReader
{
    private static readonly Dictionary<string, string> NoLabels = [];

    /// <summary>
    /// Whether BareLb handles the Service: type LoadBalancer, and either no loadBalancerClass (when
    /// <paramref name="loadBalancerClass"/> is null) or exactly that class.
    /// </summary>
    public static bool IsHandled(V1Service service, string? loadBalancerClass)
    {
        ArgumentNullException.ThrowIfNull(service);
        return string.Equals(service.Spec?.Type, "LoadBalancer", StringComparison.Ordinal)
            && string.Equals(service.Spec?.LoadBalancerClass, loadBalancerClass, StringComparison.Ordinal);
    }

    /// <summary>Reads the request; on failure <paramref name="error"/> names the field and the reason.</summary>
    public static bool TryRead(V1Service service, IReadOnlyDictionary<string, string>? namespaceLabels, out ServiceRequest? request, out ServiceFieldError? error)
    {
        ArgumentNullException.ThrowIfNull(service);
        request = null;
        var annotations = service.Metadata?.Annotations ?? NoLabels;
        var spec = service.Spec ?? new V1ServiceSpec();

        if (!TryReadAddresses(annotations, spec, out var requested, out error)
            || !TryReadFamilies(spec, out var policy, out var families, out error)
            || !TryReadPorts(spec, out var ports, out error))
        {
            return false;
        }

        request = new ServiceRequest
        {
            Key = new ServiceKey(service.Metadata?.NamespaceProperty ?? "default", service.Metadata?.Name ?? ""),
            ServiceLabels = Labels.ReadOnly(service.Metadata?.Labels),
            NamespaceLabels = namespaceLabels ?? NoLabels,
            RequestedAddresses = requested,
            Pool = Either(annotations, ServiceAnnotations.AddressPool, ServiceAnnotations.LegacyAddressPool),
            SharingKey = Either(annotations, ServiceAnnotations.AllowSharedIP, ServiceAnnotations.LegacyAllowSharedIP),
            Ports = ports,
            BackendKey = string.Equals(spec.ExternalTrafficPolicy, "Local", StringComparison.Ordinal) ? CanonicalSelector(spec.Selector) : null,
            FamilyPolicy = policy,
            Families = families,
        };
        return true;
    }

    /// <summary>A Service's pod selector as sorted "key=value" pairs, so that equal selectors compare equal.</summary>
    public static string CanonicalSelector(IDictionary<string, string>? selector) =>
        selector is null ? "" : string.Join(",", selector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static string? Either(IDictionary<string, string> annotations, string name, string legacy) =>
        annotations.TryGetValue(name, out var value) || annotations.TryGetValue(legacy, out value)
            ? (string.IsNullOrWhiteSpace(value) ? null : value.Trim())
            : null;

    private static bool TryReadAddresses(IDictionary<string, string> annotations, V1ServiceSpec spec, out IReadOnlyList<IPAddr> addresses, out ServiceFieldError? error)
    {
        addresses = [];
        error = null;
        var annotation = annotations.ContainsKey(ServiceAnnotations.LoadBalancerIPs) ? ServiceAnnotations.LoadBalancerIPs : ServiceAnnotations.LegacyLoadBalancerIPs;
        annotations.TryGetValue(annotation, out var listed);
        var fromSpec = spec.LoadBalancerIP;
        if (!string.IsNullOrWhiteSpace(listed) && !string.IsNullOrWhiteSpace(fromSpec))
        {
            error = new ServiceFieldError($"metadata.annotations[{annotation}]", $"the Service sets both spec.loadBalancerIP and the annotation {annotation}; use one");
            return false;
        }

        var (field, text) = !string.IsNullOrWhiteSpace(listed) ? ($"metadata.annotations[{annotation}]", listed) : ("spec.loadBalancerIP", fromSpec);
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var parsed = new List<IPAddr>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPAddr.TryParse(part, out var address, out var why))
            {
                error = new ServiceFieldError(field, why);
                return false;
            }

            parsed.Add(address);
        }

        addresses = parsed;
        return true;
    }

    private static bool TryReadFamilies(V1ServiceSpec spec, out IPFamilyPolicy policy, out IReadOnlyList<IPFamily> families, out ServiceFieldError? error)
    {
        error = null;
        families = [];
        (var known, policy) = spec.IpFamilyPolicy switch
        {
            null or "" or "SingleStack" => (true, IPFamilyPolicy.SingleStack),
            "PreferDualStack" => (true, IPFamilyPolicy.PreferDualStack),
            "RequireDualStack" => (true, IPFamilyPolicy.RequireDualStack),
            _ => (false, IPFamilyPolicy.SingleStack),
        };
        if (!known)
        {
            error = new ServiceFieldError("spec.ipFamilyPolicy", $"unknown IP family policy \"{spec.IpFamilyPolicy}\"; expected SingleStack, PreferDualStack or RequireDualStack");
            return false;
        }

        var list = new List<IPFamily>();
        for (var i = 0; i < (spec.IpFamilies?.Count ?? 0); i++)
        {
            switch (spec.IpFamilies![i])
            {
                case "IPv4":
                    list.Add(IPFamily.IPv4);
                    break;
                case "IPv6":
                    list.Add(IPFamily.IPv6);
                    break;
                default:
                    error = new ServiceFieldError($"spec.ipFamilies[{i}]", $"unknown IP family \"{spec.IpFamilies[i]}\"; expected IPv4 or IPv6");
                    return false;
            }
        }

        families = list;
        return true;
    }

    private static bool TryReadPorts(V1ServiceSpec spec, out IReadOnlyList<ServicePort> ports, out ServiceFieldError? error)
    {
        error = null;
        var list = new List<ServicePort>();
        for (var i = 0; i < (spec.Ports?.Count ?? 0); i++)
        {
            var port = spec.Ports![i];
            TransportProtocol? protocol = port.Protocol switch
            {
                null or "" or "TCP" => TransportProtocol.Tcp,
                "UDP" => TransportProtocol.Udp,
                "SCTP" => TransportProtocol.Sctp,
                _ => null,
            };
            if (protocol is null)
            {
                error = new ServiceFieldError($"spec.ports[{i}].protocol", $"unknown protocol \"{port.Protocol}\"; expected TCP, UDP or SCTP");
                ports = [];
                return false;
            }

            list.Add(new ServicePort(protocol.Value, port.Port));
        }

        ports = list;
        return true;
    }
}
