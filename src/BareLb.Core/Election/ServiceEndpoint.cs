namespace BareLb.Core.Election;

/// <summary>One endpoint of a Service, from its EndpointSlices: where it runs and its conditions.</summary>
/// <param name="NodeName">The node it runs on, when the slice says.</param>
/// <param name="Ready">The <c>ready</c> condition; null when the slice leaves it unset.</param>
/// <param name="Serving">The <c>serving</c> condition; null when unset.</param>
public readonly record struct ServiceEndpoint(string? NodeName, bool? Ready, bool? Serving)
{
    /// <summary>
    /// Whether it can take traffic, as MetalLB reads the conditions: ready, or ready unset (which Kubernetes defines
    /// as ready), or else serving (a terminating endpoint that still serves).
    /// </summary>
    public bool CanServe => Ready is null or true || Serving is true;
}
