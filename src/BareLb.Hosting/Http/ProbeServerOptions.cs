using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace BareLb.Hosting.Http;

/// <summary>What <see cref="ProbeServer"/> serves and where.</summary>
public sealed class ProbeServerOptions
{
    /// <summary>Where to listen; every address serves every path. Empty: no HTTP server at all.</summary>
    public IList<ListenAddress> Listen { get; } = [];

    /// <summary>The meters whose instruments <c>/metrics</c> shows.</summary>
    public IList<string> MeterNames { get; } = [];

    /// <summary>Whether <c>/healthz</c> and <c>/readyz</c> are served (false: <c>/metrics</c> only, and 404 for the others).</summary>
    public bool ServeHealth { get; set; } = true;
}

/// <summary>Checks <see cref="ProbeServerOptions"/> at start: no address twice, ports in range.</summary>
[SuppressMessage("Performance", "CA1812", Justification = "Created by the options system.")]
internal sealed class ProbeServerOptionsValidator : IValidateOptions<ProbeServerOptions>
{
    public ValidateOptionsResult Validate(string? name, ProbeServerOptions options)
    {
        var failures = new List<string>();
        foreach (var address in options.Listen)
        {
            if (address.Port is < 0 or > 65535)
            {
                failures.Add($"listen address {address}: the port must be from 0 to 65535");
            }
        }

        foreach (var duplicate in options.Listen.Where(a => a.Port != 0).GroupBy(a => a.Port).Where(g => g.Count() > 1 && g.Any(a => a.IsWildcard)))
        {
            failures.Add($"port {duplicate.Key} is listened on twice ({string.Join(", ", duplicate)})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
