using System.Globalization;
using BareLb.Arp;
using BareLb.Core.Addresses;
using BareLb.Hosting.CommandLine;
using BareLb.Hosting.Http;
using BareLb.Speaker.Standalone.Failover;

namespace BareLb.Speaker.Standalone;

/// <summary>The transports <c>--transport</c> accepts.</summary>
internal enum TransportKind
{
    AfPacket,
    Pcap,
}

/// <summary>The validated command line of <c>barelb-speaker standalone</c>.</summary>
internal sealed record StandaloneArguments(string InterfaceName, IReadOnlyList<IPAddr> Addresses, TransportKind Transport, string? NetworkNamespace, Layer2Options Options, ListenAddress? MetricsListen = null, FailoverArguments? Failover = null)
{
    /// <summary>The options as written, before validation (what System.CommandLine parsed).</summary>
    internal sealed record Raw(
        IReadOnlyList<string> Interfaces,
        IReadOnlyList<string> Addresses,
        string? Transport = null,
        string? AnnounceCount = null,
        string? AnnounceInterval = null,
        string? Refresh = null,
        string? RateLimit = null,
        string? BusyPoll = null,
        string? NetworkNamespace = null,
        string? MetricsListen = null,
        IReadOnlyList<string>? Joins = null,
        string? Bind = null,
        string? SecretFile = null,
        string? NodeName = null);

    /// <summary>Checks and converts the options as written.</summary>
    /// <exception cref="UsageException">A bad or missing argument; the message names it.</exception>
    public static StandaloneArguments From(Raw raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Interfaces.Count > 1)
        {
            throw new UsageException("--interface is given twice; one speaker answers on one interface");
        }

        if (raw.Interfaces.Count == 0)
        {
            throw new UsageException("--interface is required (see barelb-speaker standalone --help)");
        }

        var interfaceName = raw.Interfaces[0];
        if (interfaceName.Length is 0 or > 15 || interfaceName.Contains('/', StringComparison.Ordinal) || interfaceName.Any(char.IsWhiteSpace))
        {
            throw new UsageException($"--interface '{interfaceName}' is not an interface name");
        }

        var addresses = new List<IPAddr>();
        foreach (var text in raw.Addresses)
        {
            addresses.Add(ParseAddress(text, addresses));
        }

        if (addresses.Count == 0)
        {
            throw new UsageException("at least one --address is required (see barelb-speaker standalone --help)");
        }

        var transport = raw.Transport switch
        {
            null or "afpacket" => TransportKind.AfPacket,
            "pcap" => TransportKind.Pcap,
            var other => throw new UsageException($"--transport '{other}' is not a transport (afpacket or pcap)"),
        };
        var options = new Layer2Options();
        if (raw.AnnounceCount is { } count)
        {
            options.AnnouncementCount = ParseInt("--announce-count", count, 1, 100);
        }

        if (raw.AnnounceInterval is { } interval)
        {
            options.AnnouncementInterval = TimeSpan.FromMilliseconds(ParseInt("--announce-interval", interval, 1, 60_000));
        }

        if (raw.Refresh is { } refresh)
        {
            options.RefreshInterval = TimeSpan.FromSeconds(ParseInt("--refresh", refresh, 0, 86_400));
        }

        if (raw.RateLimit is { } rate)
        {
            options.RateLimitPerSecond = ParseInt("--rate-limit", rate, 0, 1_000_000);
            options.RateLimitBurst = Math.Max(options.RateLimitBurst, options.RateLimitPerSecond / 2);
        }

        if (raw.BusyPoll is { } busyPoll)
        {
            options.BusyPoll = TimeSpan.FromMicroseconds(ParseInt("--busy-poll", busyPoll, 0, 10_000));
        }

        ListenAddress? metrics = null;
        if (raw.MetricsListen is { } listen && !ListenAddress.TryParse(listen, out metrics, out var listenError))
        {
            throw new UsageException("--metrics-listen " + listenError);
        }

        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new UsageException(errors[0]);
        }

        var failover = FailoverArguments.From(raw.Joins ?? [], raw.Bind, raw.SecretFile, raw.NodeName);
        if (failover is not null && raw.NetworkNamespace is not null)
        {
            throw new UsageException("--join works without --netns only; run the speaker under 'ip netns exec NAME' instead");
        }

        return new StandaloneArguments(interfaceName, addresses, transport, raw.NetworkNamespace, options, metrics, failover);
    }

    private static IPAddr ParseAddress(string text, List<IPAddr> seen)
    {
        if (!IPAddr.TryParse(text.AsSpan(), out var address, out var error))
        {
            throw new UsageException($"--address: {error}");
        }

        if (!Layer2Engine.IsAnnounceable(address, out var why))
        {
            throw new UsageException($"--address {address} cannot be announced: {why}");
        }

        if (seen.Contains(address))
        {
            throw new UsageException($"--address {address} is given twice");
        }

        return address;
    }

    private static int ParseInt(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{name} '{text}' must be a whole number from {min} to {max}");
        }

        return value;
    }
}
