using BareLb.Kube.Configuration.Api;

namespace BareLb.Kube.Memberlist;

/// <summary>Where the speakers' memberlist Secret lives and who owns it, as MetalLB's controller names them.</summary>
public sealed record MemberlistSecretOptions
{
    /// <summary>The key under which the Secret holds the memberlist encryption key, as in MetalLB: <c>secretkey</c>.</summary>
    public const string KeyName = "secretkey";

    /// <summary>The Secret's namespace. Default <see cref="MetalLbApi.DefaultNamespace"/>.</summary>
    public string Namespace { get; init; } = MetalLbApi.DefaultNamespace;

    /// <summary>The Secret's name (MetalLB's <c>--ml-secret-name</c> / <c>METALLB_ML_SECRET_NAME</c>). Default "memberlist".</summary>
    public string SecretName { get; init; } = "memberlist";

    /// <summary>
    /// The controller's Deployment (MetalLB's <c>METALLB_DEPLOYMENT</c>), made the Secret's owner so that deleting the
    /// installation deletes the key; null or a missing Deployment creates the Secret without an owner. Default "controller".
    /// </summary>
    public string? DeploymentName { get; init; } = "controller";

    /// <summary>The first wait after a failed attempt; it doubles up to <see cref="MaxRetryDelay"/>. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A description of the first invalid option, or null when all are valid.</summary>
    public string? Validate() =>
        string.IsNullOrWhiteSpace(Namespace) ? "Namespace: must not be empty"
        : string.IsNullOrWhiteSpace(SecretName) ? "SecretName: must not be empty"
        : RetryDelay <= TimeSpan.Zero ? "RetryDelay: must be positive"
        : MaxRetryDelay < RetryDelay ? "MaxRetryDelay: must be at least RetryDelay"
        : null;
}
