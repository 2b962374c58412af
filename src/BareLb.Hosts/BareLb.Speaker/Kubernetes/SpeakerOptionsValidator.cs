using System.Net;
using BareLb.Core.Selectors;
using Microsoft.Extensions.Options;

namespace BareLb.Speaker.Kubernetes;

/// <summary>Checks <see cref="SpeakerOptions"/>; each failure names the flag, its variable, the value and the reason.</summary>
internal sealed class SpeakerOptionsValidator : IValidateOptions<SpeakerOptions>
{
    public ValidateOptionsResult Validate(string? name, SpeakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NodeName))
        {
            failures.Add("--node-name (or METALLB_NODE_NAME) is required: the Kubernetes speaker must know its node; to announce without Kubernetes use `barelb-speaker standalone`");
        }

        if (LabelSyntax.CheckDnsLabel(options.Namespace) is { } namespaceError)
        {
            failures.Add($"--namespace (METALLB_NAMESPACE) '{options.Namespace}': {namespaceError}");
        }

        if (!string.IsNullOrEmpty(options.MemberlistBindAddress) && !IPAddress.TryParse(options.MemberlistBindAddress, out _))
        {
            failures.Add($"--ml-bindaddr (METALLB_ML_BIND_ADDR) '{options.MemberlistBindAddress}' is not an IP address");
        }

        if (!string.IsNullOrEmpty(options.Host) && !IPAddress.TryParse(options.Host, out _))
        {
            failures.Add($"--host (METALLB_HOST) '{options.Host}' is not an IP address");
        }

        if (ParseLabels(options.MemberlistLabels, out var labels) is { } labelError)
        {
            failures.Add($"--ml-labels (METALLB_ML_LABELS) '{options.MemberlistLabels}': {labelError}");
        }
        else
        {
            options.MemberlistLabelSet = labels;
        }

        if (options.MemberlistBindPort is < 1 or > 65535)
        {
            failures.Add($"--ml-bindport (METALLB_ML_BIND_PORT) {options.MemberlistBindPort}: the port must be from 1 to 65535");
        }

        if (options.MetricsPort is < 0 or > 65535)
        {
            failures.Add($"--port {options.MetricsPort}: the port must be from 0 to 65535");
        }

        if (options.HealthProbePort is < 0 or > 65535)
        {
            failures.Add($"--health-probe-port {options.HealthProbePort}: the port must be from 0 to 65535");
        }

        if (options.HealthProbePort != 0 && options.HealthProbePort == options.MetricsPort)
        {
            failures.Add($"--health-probe-port {options.HealthProbePort} is the metrics --port too; give them different ports");
        }

        if (options.LoadBalancerClass is { Length: 0 })
        {
            options.LoadBalancerClass = null;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Reads <c>key=value,key=value</c> (the equality selectors MetalLB's manifests write); returns the problem, or null.</summary>
    internal static string? ParseLabels(string text, out Dictionary<string, string> labels)
    {
        labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split("==", 2) is [_, _] doubled ? doubled : part.Split('=', 2);
            if (pair is not [var key, var value] || key.EndsWith('!'))
            {
                return $"'{part}' is not key=value (only equality selectors are supported)";
            }

            if ((LabelSyntax.CheckKey(key.Trim()) ?? LabelSyntax.CheckValue(value.Trim())) is { } problem)
            {
                return $"'{part}': {problem}";
            }

            if (!labels.TryAdd(key.Trim(), value.Trim()))
            {
                return $"the label '{key.Trim()}' is given twice";
            }
        }

        return labels.Count == 0 ? "at least one key=value label is needed to find the speaker Pods" : null;
    }
}
