using BareLb.Kube.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Controller;

/// <summary>
/// <c>/readyz</c>: the leader is ready once its caches have synced and a valid configuration is
/// loaded; a follower once it has seen another replica lead.
/// </summary>
internal sealed class ControllerReadiness(LeaderElectedControllerService controller) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = controller.IsLeader
            ? (controller.IsLeaderAndReady ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("caches syncing or no valid configuration"))
            : controller.ObservedLeader is { } leader && leader != controller.Identity ? HealthCheckResult.Healthy($"ok (follower; {leader} leads)")
            : HealthCheckResult.Unhealthy("no leader observed yet");
        return Task.FromResult(result);
    }
}
