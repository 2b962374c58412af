using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>Which families a Service gets addresses of, from its policy, its families and what it requests.</summary>
internal static class FamilyRules
{
    public static IPFamily Primary(ServiceRequest request) => request.Families.Count > 0 ? request.Families[0] : IPFamily.IPv4;

    public static IPFamily? Secondary(ServiceRequest request)
    {
        if (request.Families.Count > 1)
        {
            return request.Families[1];
        }

        return request.Families.Count == 0 && request.FamilyPolicy != IPFamilyPolicy.SingleStack ? Other(Primary(request)) : null;
    }

    public static IPFamily Other(IPFamily family) => family == IPFamily.IPv4 ? IPFamily.IPv6 : IPFamily.IPv4;

    /// <summary>
    /// The family sets to try for an automatic assignment, most wanted first: each must come whole
    /// from one pool. Returns the number of options written.
    /// </summary>
    public static int Options(ServiceRequest request, Span<(IPFamily First, IPFamily? Second)> options, out AllocationFailure? failure)
    {
        failure = null;
        var primary = Primary(request);
        var secondary = Secondary(request);
        switch (request.FamilyPolicy)
        {
            case IPFamilyPolicy.RequireDualStack when secondary is null:
                failure = new AllocationFailure(AllocationFailureReason.InvalidRequest, $"the Service requires dual-stack but has only the IP family {primary}");
                return 0;
            case IPFamilyPolicy.RequireDualStack:
                options[0] = (primary, secondary);
                return 1;
            case IPFamilyPolicy.PreferDualStack when secondary is { } other:
                options[0] = (primary, other);
                options[1] = (primary, null);
                options[2] = (other, null);
                return 3;
            default:
                options[0] = (primary, null);
                return 1;
        }
    }

    /// <summary>Checks requested (or restored) addresses against the Service's families and policy, primary family first.</summary>
    public static AllocationFailure? CheckRequested(ServiceRequest request, IReadOnlyList<IPAddr> addresses, string verb)
    {
        if (addresses.Count > 2)
        {
            return Invalid($"the Service {verb} {addresses.Count} addresses; it may have at most one per IP family");
        }

        if (addresses.Count == 2 && addresses[0].Family == addresses[1].Family)
        {
            return Invalid($"the Service {verb} two {addresses[0].Family} addresses ({addresses[0]}, {addresses[1]}); it may have one per IP family");
        }

        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i];
            if (request.Families.Count > 0 && request.Families[0] != address.Family && (request.Families.Count < 2 || request.Families[1] != address.Family))
            {
                return Invalid($"{address} is an {address.Family} address, but the Service's IP families are {string.Join(", ", request.Families)}");
            }
        }

        return request.FamilyPolicy switch
        {
            IPFamilyPolicy.SingleStack when addresses.Count == 2 => Invalid($"the Service is SingleStack but {verb} two addresses ({addresses[0]}, {addresses[1]})"),
            IPFamilyPolicy.RequireDualStack when addresses.Count == 1 => Invalid($"the Service requires dual-stack but {verb} only {addresses[0]}"),
            _ => null,
        };

        static AllocationFailure Invalid(string message) => new(AllocationFailureReason.InvalidRequest, message);
    }
}
