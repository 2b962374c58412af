using BareLb.Kube.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Controller;

/// <summary>
/// <c>/readyz</c>: the leader is ready once its caches have synced and it has read the configuration (before
/// the first valid configuration it is ready and says so: it touches no Service until one exists, and a
/// cluster without configuration, as in the guide before <c>metallb_config.yaml</c>, shows it 1/1 as MetalLB's);
/// a follower once it has seen another replica lead.
/// </summary>
internal sealed class ControllerReadiness(LeaderElectedControllerService controller) : IHealthCheck
{
    /// <summary>What <c>/readyz</c> says while the leader has no valid configuration yet.</summary>
    public const string AwaitingConfiguration = "ok (leader; no valid configuration yet: no Service is touched until one exists)";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = controller.IsLeader
            ? (controller.IsLeaderAndReady ? HealthCheckResult.Healthy()
                : controller.IsLeaderAwaitingConfiguration ? HealthCheckResult.Healthy(AwaitingConfiguration)
                : HealthCheckResult.Unhealthy("caches syncing"))
            : controller.ObservedLeader is { } leader && leader != controller.Identity ? HealthCheckResult.Healthy($"ok (follower; {leader} leads)")
            : HealthCheckResult.Unhealthy("no leader observed yet");
        return Task.FromResult(result);
    }
}
