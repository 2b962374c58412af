using System.Globalization;
using System.Net;
using BareLb.Speaker.Commands;

namespace BareLb.Speaker.Metrics;

/// <summary>Where <c>--metrics-listen HOST:PORT</c> serves; port 0 asks for a free one.</summary>
internal sealed record MetricsEndpoint(string Host, int Port)
{
    /// <summary>Parses <c>HOST:PORT</c>, with an IPv6 host in brackets (<c>[::1]:9100</c>).</summary>
    /// <exception cref="UsageException">Not a host and a port; the message says which part.</exception>
    public static MetricsEndpoint Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new UsageException($"--metrics-listen '{text}' is not HOST:PORT");
        }

        var host = text[..colon];
        if (host.StartsWith('[') != host.EndsWith(']') || (!host.StartsWith('[') && host.Contains(':', StringComparison.Ordinal)))
        {
            throw new UsageException($"--metrics-listen '{text}': write an IPv6 host in brackets, as [::1]:9100");
        }

        if (host.StartsWith('[') && !IPAddress.TryParse(host[1..^1], out _))
        {
            throw new UsageException($"--metrics-listen '{text}': '{host}' is not an IPv6 address");
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new UsageException($"--metrics-listen '{text}': the port must be a whole number from 0 to 65535");
        }

        return new MetricsEndpoint(host, port);
    }

    /// <summary>Whether the host means every address (0.0.0.0, [::], * or +).</summary>
    public bool IsWildcard => Host is "0.0.0.0" or "[::]" or "*" or "+";

    /// <summary>The address a port-0 probe binds to.</summary>
    public IPAddress BindAddress => IsWildcard ? (Host == "[::]" ? IPAddress.IPv6Any : IPAddress.Any)
        : IPAddress.TryParse(Host.Trim('[', ']'), out var address) ? address
        : IPAddress.Loopback;

    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
