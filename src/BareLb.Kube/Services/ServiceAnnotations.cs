namespace BareLb.Kube.Services;

/// <summary>The annotations MetalLB users put on Services, in both spellings (<c>metallb.io/</c> and the older <c>metallb.universe.tf/</c>).</summary>
public static class ServiceAnnotations
{
    /// <summary>Requested addresses, comma-separated, at most one per family.</summary>
    public const string LoadBalancerIPs = "metallb.io/loadBalancerIPs";

    /// <summary>The older spelling of <see cref="LoadBalancerIPs"/>.</summary>
    public const string LegacyLoadBalancerIPs = "metallb.universe.tf/loadBalancerIPs";

    /// <summary>The pool to take addresses from.</summary>
    public const string AddressPool = "metallb.io/address-pool";

    /// <summary>The older spelling of <see cref="AddressPool"/>.</summary>
    public const string LegacyAddressPool = "metallb.universe.tf/address-pool";

    /// <summary>The sharing key: Services with the same key may share an address.</summary>
    public const string AllowSharedIP = "metallb.io/allow-shared-ip";

    /// <summary>The older spelling of <see cref="AllowSharedIP"/>.</summary>
    public const string LegacyAllowSharedIP = "metallb.universe.tf/allow-shared-ip";

    /// <summary>Written by the controller: the pool the Service's addresses came from.</summary>
    public const string IPAllocatedFromPool = "metallb.io/ip-allocated-from-pool";
}
