using BareLb.Kube.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Controller;

/// <summary><c>/healthz</c>: unhealthy once the controller's work has died (the process is then exiting with code 1).</summary>
internal sealed class ControllerLiveness(LeaderElectedControllerService controller) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(controller.Failure is { } failure ? HealthCheckResult.Unhealthy(failure) : HealthCheckResult.Healthy());
}
