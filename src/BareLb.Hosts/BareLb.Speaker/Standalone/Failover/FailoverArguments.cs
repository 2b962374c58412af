using System.Globalization;
using System.Net;
using BareLb.Hosting.CommandLine;
using BareLb.Membership.Security;

namespace BareLb.Speaker.Standalone.Failover;

/// <summary>
/// The membership options of <c>barelb-speaker standalone</c>, present when <c>--join</c> is given:
/// the appliances to join, where to bind port 7946, the cluster key and this member's name.
/// </summary>
/// <param name="NodeName">This member's name, unique among the appliances (default: the host name).</param>
/// <param name="BindAddress">The address to bind; null: the first address of the interface.</param>
/// <param name="BindPort">The UDP and TCP port (default 7946).</param>
/// <param name="Join">The appliances' membership addresses (this one's may be among them).</param>
/// <param name="SecretKey">The AES key derived from <c>--secret-file</c> as MetalLB derives it; null: no encryption.</param>
internal sealed record FailoverArguments(string NodeName, IPAddress? BindAddress, int BindPort, IReadOnlyList<IPEndPoint> Join, byte[]? SecretKey)
{
    /// <summary>memberlist's port.</summary>
    public const int DefaultPort = 7946;

    /// <summary>Checks and converts the membership options; null when <c>--join</c> is absent (no membership).</summary>
    /// <exception cref="UsageException">A bad argument, or a membership option without <c>--join</c>; the message names it.</exception>
    public static FailoverArguments? From(IReadOnlyList<string> joins, string? bind, string? secretFile, string? nodeName)
    {
        ArgumentNullException.ThrowIfNull(joins);
        if (joins.Count == 0)
        {
            var stray = bind is not null ? "--bind" : secretFile is not null ? "--secret-file" : nodeName is not null ? "--node-name" : null;
            return stray is null ? null : throw new UsageException($"{stray} needs --join (membership is on only with --join)");
        }

        var join = new List<IPEndPoint>();
        foreach (var text in joins)
        {
            var endPoint = ParseEndPoint("--join", text, wildcard: false);
            if (!join.Contains(endPoint))
            {
                join.Add(endPoint);
            }
        }

        IPAddress? bindAddress = null;
        var bindPort = DefaultPort;
        if (bind is not null)
        {
            var endPoint = ParseEndPoint("--bind", bind, wildcard: true);
            bindAddress = endPoint.Address;
            bindPort = endPoint.Port;
        }

        var name = nodeName ?? Environment.MachineName;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 253 || name.Any(char.IsWhiteSpace))
        {
            throw new UsageException($"--node-name '{name}' is not a name (1 to 253 characters, no spaces)");
        }

        byte[]? key = null;
        if (secretFile is not null)
        {
            try
            {
                key = MetalLbSecret.ReadKey(secretFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
            {
                throw new UsageException($"--secret-file '{secretFile}': {e.Message}");
            }
        }

        return new FailoverArguments(name, bindAddress, bindPort, join, key);
    }

    /// <summary>Parses <c>ADDR</c>, <c>ADDR:PORT</c>, <c>[V6]</c> or <c>[V6]:PORT</c>; the port defaults to 7946.</summary>
    internal static IPEndPoint ParseEndPoint(string option, string text, bool wildcard)
    {
        var host = text;
        var port = DefaultPort;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw new UsageException($"{option} '{text}' is not ADDR[:PORT] (an IPv6 address goes in brackets: [2001:db8::1]:7946)");
            }

            host = text[1..close];
            portText = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            portText = text[(colon + 1)..];
        }

        if (!IPAddress.TryParse(host, out var address) || (host.Contains(':', StringComparison.Ordinal) && address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6))
        {
            throw new UsageException($"{option} '{text}' is not ADDR[:PORT] with an IP address (an IPv6 address with a port goes in brackets: [2001:db8::1]:7946)");
        }

        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new UsageException($"{option} '{text}': the port must be a whole number from 1 to 65535");
        }

        if (!wildcard && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            throw new UsageException($"{option} '{text}' is a wildcard address; give an appliance's address");
        }

        return new IPEndPoint(address, port);
    }
}
