using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace BareLb.Hosting.Http;

/// <summary>
/// Where an HTTP endpoint listens, written <c>HOST:PORT</c>: an IPv4 address, an IPv6 address in
/// brackets (<c>[::1]:7472</c>), <c>localhost</c>, or a wildcard (<c>0.0.0.0</c>, <c>[::]</c>,
/// <c>*</c>, <c>+</c>) for every address. Port 0 asks the kernel for a free port.
/// </summary>
/// <param name="Host">The host as written.</param>
/// <param name="Port">The port, 0 for a free one.</param>
public sealed record ListenAddress(string Host, int Port)
{
    /// <summary>Every address of this machine, on <paramref name="port"/> (as MetalLB binds <c>--port</c>).</summary>
    public static ListenAddress AnyOn(int port) => new("*", port);

    /// <summary>Parses <c>HOST:PORT</c>; on failure <paramref name="error"/> says which part is wrong, quoting the text.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ListenAddress? address, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not HOST:PORT";
            return false;
        }

        var host = text[..colon];
        var bracketed = host.StartsWith('[');
        if (bracketed != host.EndsWith(']') || (!bracketed && host.Contains(':', StringComparison.Ordinal)))
        {
            error = $"'{text}': write an IPv6 host in brackets, as [::1]:9100";
            return false;
        }

        if (bracketed && !IPAddress.TryParse(host[1..^1], out _))
        {
            error = $"'{text}': '{host}' is not an IPv6 address";
            return false;
        }

        if (!bracketed && host is not ("*" or "+" or "localhost") && !IPAddress.TryParse(host, out _))
        {
            error = $"'{text}': the host must be an IP address, localhost, or * for every address";
            return false;
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"'{text}': the port must be a whole number from 0 to 65535";
            return false;
        }

        address = new ListenAddress(host, port);
        error = null;
        return true;
    }

    /// <summary>Whether the host means every address (0.0.0.0, [::], * or +).</summary>
    public bool IsWildcard => Host is "0.0.0.0" or "[::]" or "*" or "+";

    /// <summary>The address to bind: <see cref="IPAddress.IPv6Any"/> for <c>*</c>, <c>+</c> and <c>[::]</c> (dual-stack), <see cref="IPAddress.Any"/> for 0.0.0.0.</summary>
    public IPAddress BindAddress => Host switch
    {
        "0.0.0.0" => IPAddress.Any,
        "*" or "+" or "[::]" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.Parse(Host.Trim('[', ']')),
    };

    /// <summary>The address as written, <c>HOST:PORT</c>.</summary>
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
