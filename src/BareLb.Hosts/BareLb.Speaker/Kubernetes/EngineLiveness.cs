using BareLb.Arp;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Speaker.Kubernetes;

/// <summary>
/// <c>/healthz</c> of the speaker: unhealthy, naming the interface and the cause, once an interface of the engine
/// stopped answering for good (its transport failed in a way the engine cannot recover from), so that Kubernetes
/// restarts the speaker instead of leaving a node that silently answers nothing.
/// </summary>
internal sealed class EngineLiveness(Layer2Engine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var faults = engine.Faults;
        return Task.FromResult(faults.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the ARP/NDP engine stopped answering: " + string.Join("; ", faults)));
    }
}
