using BareLb.Core.Addresses;

namespace BareLb.Core.Allocation;

/// <summary>
/// MetalLB's rules for sharing an address: every holder carries the same sharing key, no two use
/// the same (protocol, port), and their backends agree (externalTrafficPolicy Local needs the
/// same pod selector).
/// </summary>
internal static class SharingRules
{
    public static AllocationFailure? CheckCanJoin(in AddressHolding holding, IPAddr address, ServiceRequest request)
    {
        for (var u = 0; u < holding.Count; u++)
        {
            var user = holding[u];
            if (user.Service == request.Key)
            {
                continue;
            }

            if (request.SharingKey is null || holding.SharingKey is null)
            {
                return new AllocationFailure(
                    AllocationFailureReason.AddressInUse,
                    $"{address} is in use by {user.Service}; two Services share an address only when both carry the same sharing key",
                    user.Service);
            }

            if (!string.Equals(request.SharingKey, holding.SharingKey, StringComparison.Ordinal))
            {
                return new AllocationFailure(
                    AllocationFailureReason.SharingKeyMismatch,
                    $"{address} is shared by {user.Service} under the sharing key \"{holding.SharingKey}\", not \"{request.SharingKey}\"",
                    user.Service);
            }

            if (!string.Equals(request.BackendKey, holding.BackendKey, StringComparison.Ordinal))
            {
                return new AllocationFailure(
                    AllocationFailureReason.BackendMismatch,
                    $"{address} is shared by {user.Service}, whose backends differ; Services that share an address with externalTrafficPolicy Local must select the same pods",
                    user.Service);
            }

            foreach (var port in request.Ports)
            {
                foreach (var used in user.Request.Ports)
                {
                    if (port == used)
                    {
                        return new AllocationFailure(
                            AllocationFailureReason.PortConflict,
                            $"port {port} on {address} is in use by {user.Service}",
                            user.Service);
                    }
                }
            }
        }

        return null;
    }
}
