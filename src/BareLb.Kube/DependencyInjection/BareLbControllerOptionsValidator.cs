using BareLb.Core.Selectors;
using Microsoft.Extensions.Options;

namespace BareLb.Kube.DependencyInjection;

/// <summary>Checks <see cref="BareLbControllerOptions"/>; each failure names the setting, its value and the reason.</summary>
internal sealed class BareLbControllerOptionsValidator : IValidateOptions<BareLbControllerOptions>
{
    /// <summary>The shortest and longest lease durations accepted.</summary>
    public static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(1), MaximumLease = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, BareLbControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (LabelSyntax.CheckDnsLabel(options.Namespace) is { } namespaceError)
        {
            failures.Add($"Namespace '{options.Namespace}': {namespaceError}");
        }

        if (string.IsNullOrWhiteSpace(options.ConfigMapName) || options.ConfigMapName.Length > 253)
        {
            failures.Add($"ConfigMapName '{options.ConfigMapName}': a ConfigMap name of 1 to 253 characters is needed");
        }

        if (string.IsNullOrWhiteSpace(options.Identity))
        {
            failures.Add("Identity must be set (the Pod name; the host name outside a cluster)");
        }

        if (string.IsNullOrWhiteSpace(options.LeaseName))
        {
            failures.Add("LeaseName must be set");
        }

        if (options.LeaseDuration < MinimumLease || options.LeaseDuration > MaximumLease)
        {
            failures.Add($"LeaseDuration {options.LeaseDuration.TotalSeconds} s: expected from 1 to 3600 seconds");
        }

        if (options.LoadBalancerClass is { Length: 0 })
        {
            failures.Add("LoadBalancerClass is empty; leave it unset to handle Services with no class");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
