namespace BareLb.Kube.Informers;

/// <summary>Timing of an informer.</summary>
internal sealed class InformerOptions
{
    /// <summary>A watch that delivers nothing (not even a bookmark) for this long is dropped and reopened. Default 10 minutes.</summary>
    public TimeSpan WatchdogTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The first delay after a failed list or watch; it doubles up to <see cref="MaxBackoff"/>. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between attempts. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How many objects each page of a list asks for (<c>limit</c>), as client-go's reflector does. Default 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Checks the options; returns why they are invalid, or null.</summary>
    public string? Validate() =>
        PageSize <= 0 ? $"PageSize must be positive, not {PageSize}"
        : WatchdogTimeout <= TimeSpan.Zero ? $"WatchdogTimeout must be positive, not {WatchdogTimeout}"
        : InitialBackoff <= TimeSpan.Zero ? $"InitialBackoff must be positive, not {InitialBackoff}"
        : MaxBackoff < InitialBackoff ? $"MaxBackoff ({MaxBackoff}) must not be shorter than InitialBackoff ({InitialBackoff})"
        : null;
}
