using BareLb.Kube.Speaker;
using BareLb.Speaker.Kubernetes.Membership;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Speaker.Kubernetes;

/// <summary><c>/readyz</c>: ready once the caches have synced (the first decision applied), the membership has joined and the engine is up.</summary>
internal sealed class SpeakerReadiness(Layer2SpeakerController controller, SpeakerMembership membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = !membership.IsJoined ? HealthCheckResult.Unhealthy("membership not joined yet")
            : !controller.IsReady ? HealthCheckResult.Unhealthy("caches syncing")
            : HealthCheckResult.Healthy();
        return Task.FromResult(result);
    }
}
