using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BareLb.Hosting.Health;

/// <summary>
/// A liveness source for work that must keep running: healthy until <see cref="Fail"/> says the
/// work died, then unhealthy for good with the reason, so <c>/healthz</c> reports the dead worker
/// instead of answering a constant. Register it with <see cref="HealthTags.Live"/>.
/// </summary>
public sealed class WorkerHealth : IHealthCheck
{
    private volatile string? _failure;

    /// <summary>The reason the work died, or null while it runs.</summary>
    public string? Failure => _failure;

    /// <summary>Records that the work died; the first reason is kept.</summary>
    public void Fail(string reason) => Interlocked.CompareExchange(ref _failure, reason, null);

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_failure is { } failure ? HealthCheckResult.Unhealthy(failure) : HealthCheckResult.Healthy());
}
