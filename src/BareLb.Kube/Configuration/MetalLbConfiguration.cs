using BareLb.Core.Pools;
using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Configuration;

/// <summary>
/// MetalLB's configuration after translation: the validated pools, how they are announced, the BGP
/// sessions, and every error and warning found on the way. Take it into use only when <see cref="IsValid"/>;
/// otherwise keep the last good one.
/// </summary>
public sealed class MetalLbConfiguration
{
    /// <summary>Which form it was read from.</summary>
    public ConfigurationForm Form { get; init; }

    /// <summary>The pools as written, each with its source for messages.</summary>
    public IReadOnlyList<AddressPoolSpec> PoolSpecs { get; init; } = [];

    /// <summary>The validated pools; null when the configuration has errors.</summary>
    public PoolConfiguration? Pools { get; init; }

    /// <summary>Layer 2 advertisements.</summary>
    public IReadOnlyList<L2AdvertisementRule> L2Advertisements { get; init; } = [];

    /// <summary>BGP advertisements.</summary>
    public IReadOnlyList<BgpAdvertisementRule> BgpAdvertisements { get; init; } = [];

    /// <summary>BGP peers (v1beta2 form; v1beta1 peers and legacy peers are converted).</summary>
    public IReadOnlyList<BGPPeer> Peers { get; init; } = [];

    /// <summary>BFD profiles.</summary>
    public IReadOnlyList<BFDProfile> BfdProfiles { get; init; } = [];

    /// <summary>Every error and warning.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems { get; init; } = [];

    /// <summary>
    /// The pools (of the custom-resource form) that no L2Advertisement or BGPAdvertisement selects: Services may
    /// get their addresses, but nothing announces them. Each also has a warning in <see cref="Problems"/>.
    /// </summary>
    public IReadOnlyList<string> UnadvertisedPools { get; init; } = [];

    /// <summary>The errors: any one keeps the configuration from taking effect.</summary>
    public IEnumerable<ConfigurationProblem> Errors => Problems.Where(p => p.Severity == ProblemSeverity.Error);

    /// <summary>The warnings.</summary>
    public IEnumerable<ConfigurationProblem> Warnings => Problems.Where(p => p.Severity == ProblemSeverity.Warning);

    /// <summary>Whether the configuration may take effect.</summary>
    public bool IsValid => Pools is not null && !Errors.Any();
}
