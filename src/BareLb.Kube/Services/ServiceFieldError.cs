namespace BareLb.Kube.Services;

/// <summary>A field of a Service that BareLb cannot use, and why: the text of a Warning event.</summary>
/// <param name="Field">The field path, e.g. "spec.loadBalancerIP" or "metadata.annotations[metallb.io/loadBalancerIPs]".</param>
/// <param name="Message">Why.</param>
internal sealed record ServiceFieldError(string Field, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Field}: {Message}";
}
