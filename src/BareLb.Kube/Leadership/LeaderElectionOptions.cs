using BareLb.Kube.Client;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Leadership;

/// <summary>Leader election over a coordination.k8s.io Lease, so that only one controller replica acts.</summary>
internal sealed class LeaderElectionOptions
{
    /// <summary>The Lease's namespace. Default <see cref="MetalLbApi.DefaultNamespace"/>.</summary>
    public string Namespace { get; init; } = MetalLbApi.DefaultNamespace;

    /// <summary>The Lease's name. Default "barelb-controller".</summary>
    public string LeaseName { get; init; } = "barelb-controller";

    /// <summary>This replica's identity, e.g. its pod name.</summary>
    public required string Identity { get; init; }

    /// <summary>How long a lease holds without renewal. Default 15 s.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives up. Default 10 s.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates retry and the leader renews. Default 2 s.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The Lease's path on the API server.</summary>
    internal string LeasePath => ApiPath.Group(LeaseGroupVersion, "leases", Namespace, LeaseName);

    /// <summary>The path of the Leases of <see cref="Namespace"/>, where the Lease is created.</summary>
    internal string LeasesPath => ApiPath.Group(LeaseGroupVersion, "leases", Namespace);

    private const string LeaseGroupVersion = "coordination.k8s.io/v1";

    /// <summary>Checks the options; returns why they are invalid, or null.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Identity) ? "Identity must be set (e.g. to the pod name)"
        : string.IsNullOrWhiteSpace(Namespace) || string.IsNullOrWhiteSpace(LeaseName) ? "Namespace and LeaseName must be set"
        : RetryPeriod <= TimeSpan.Zero ? $"RetryPeriod must be positive, not {RetryPeriod}"
        : RenewDeadline <= RetryPeriod ? $"RenewDeadline ({RenewDeadline}) must be longer than RetryPeriod ({RetryPeriod})"
        : LeaseDuration <= RenewDeadline ? $"LeaseDuration ({LeaseDuration}) must be longer than RenewDeadline ({RenewDeadline})"
        : null;
}
