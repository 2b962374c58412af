namespace BareLb.Hosting.Health;

/// <summary>
/// The tags that put a registered <see cref="Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck"/>
/// behind <c>/healthz</c> (liveness: is the process still doing its work?) or <c>/readyz</c>
/// (readiness: should it get traffic or count as up?). A check may carry both.
/// </summary>
public static class HealthTags
{
    /// <summary>Checked by <c>/healthz</c>: a failing check means the process should be restarted (a dead worker, for instance).</summary>
    public const string Live = "live";

    /// <summary>Checked by <c>/readyz</c>: a failing check means not ready yet (caches syncing, no configuration, ...).</summary>
    public const string Ready = "ready";
}
